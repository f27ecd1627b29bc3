import Testing
@testable import SluiceState

/// `EntryTable` against a plain Dictionary: random inserts, overwrites (smaller and larger values), kills,
/// erases, checkpoints (`clearDirty`) and forced compactions, checking lookups and bookkeeping throughout.
@Suite struct EntryTableTests {
    /// Keys from a small space so overwrites and deletes hit existing keys; lengths 0–24 cover the hash's tails.
    static func keySpace(_ n: Int, rng: inout SplitMix64) -> [[UInt8]] {
        var keys = Set<[UInt8]>([[], [0], [0, 0]])
        while keys.count < n { keys.insert(rng.bytes(Int(rng.next() % 25))) }
        return Array(keys)
    }

    @Test(arguments: [(1, 40), (2, 300), (3, 3000)] as [(UInt64, Int)])
    func matchesDictionaryModel(seed: UInt64, keyCount: Int) {
        var rng = SplitMix64(seed: seed)
        let keys = Self.keySpace(keyCount, rng: &rng)
        // A fixed hash seed so a failure reproduces exactly.
        var table = EntryTable(seed: seed)
        var live: [[UInt8]: (value: [UInt8], ts: Int64)] = [:]
        var tombstones = Set<[UInt8]>()
        for step in 0..<20_000 {
            let key = keys[Int(rng.next() % UInt64(keys.count))]
            let h = key.withUnsafeBytes { table.hash($0) }
            switch rng.next() % 10 {
            case 0..<5:
                let value = rng.bytes(Int(rng.next() % 120))
                let (i, previous) = key.withUnsafeBytes { k in
                    value.withUnsafeBytes { v in table.upsert(k, v, timestamp: Int64(step), hash: h) }
                }
                #expect(previous == live[key]?.value.count)
                table.markDirty(i)
                live[key] = (value, Int64(step))
                tombstones.remove(key)
            case 5..<7:
                if let i = key.withUnsafeBytes({ table.liveEntry($0, hash: h) }) {
                    table.kill(i)
                    table.markDirty(i)
                    live[key] = nil
                    tombstones.insert(key)
                }
            case 7:
                // Restore's delete: the key leaves the table at once.
                if let i = key.withUnsafeBytes({ table.liveEntry($0, hash: h) }), !table.entries[i].isDirty {
                    table.erase(i)
                    live[key] = nil
                }
            case 8:
                table.clearDirty()
                tombstones.removeAll()
            default:
                if rng.next() % 20 == 0 { table.compactArena() }
            }
            #expect(table.liveCount == live.count)
            #expect(table.indexedCount == live.count + tombstones.count)
            let used = table.entries.filter { $0.state != .free }.reduce(0) { $0 + Int($1.keyLength) + Int($1.valueLength) }
            #expect(table.recordBytes == used)
            #expect(table.arena.count < EntryTable.minimumCompactionBytes || table.garbageBytes * 2 <= table.arena.count)
        }
        for key in keys {
            let found = key.withUnsafeBytes { table.liveEntry($0) }
            #expect(found.map { table.value(at: $0) } == live[key]?.value)
            #expect(found.map { table.entries[$0].timestamp } == live[key]?.ts)
            #expect(found.map { table.key(at: $0) } == live[key].map { _ in key })
        }
        let sorted = table.sortedByKey(table.liveEntries).map { table.key(at: Int($0)) }
        #expect(sorted == live.keys.sorted { compareBytes($0, $1) < 0 })
    }

    @Test func hashDependsOnEveryByteTheLengthAndTheSeed() {
        var seen = Set<UInt64>()
        var keys: [[UInt8]] = [[], [0], [0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0]]
        for n in 1...40 {
            for bit in [0, 7] {
                // One bit flipped at every position of keys of every tail length.
                for pos in 0..<n {
                    var k = [UInt8](repeating: 0xAB, count: n)
                    k[pos] ^= 1 << bit
                    keys.append(k)
                }
            }
        }
        for k in Set(keys) { seen.insert(k.withUnsafeBytes { KeyHash.hash($0, seed: 42) }) }
        #expect(seen.count == Set(keys).count)
        let key = bytes("user-1")
        #expect(key.withUnsafeBytes { KeyHash.hash($0, seed: 1) } != key.withUnsafeBytes { KeyHash.hash($0, seed: 2) })
    }

    @Test func growsFromTheSmallestIndexAndKeepsEveryKey() {
        var table = EntryTable()
        var rng = SplitMix64(seed: 5)
        let keys = Self.keySpace(10_000, rng: &rng)
        for (n, k) in keys.enumerated() {
            k.withUnsafeBytes { kb in _ = table.upsert(kb, kb, timestamp: Int64(n), hash: table.hash(kb)) }
        }
        #expect(table.index.count >= keys.count * 4 / 3)
        for (n, k) in keys.enumerated() {
            let i = k.withUnsafeBytes { table.liveEntry($0) }
            #expect(i.map { table.value(at: $0) } == k)
            #expect(i.map { table.entries[$0].timestamp } == Int64(n))
        }
    }
}
