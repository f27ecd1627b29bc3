import Testing
@testable import SluiceState

/// What a store should do, written as plainly as possible over a Dictionary: the reference the arena-backed
/// store is compared with.
struct ModelStore {
    var map: [[UInt8]: (value: [UInt8], ts: Int64)] = [:]
    var dirty = Set<[UInt8]>()
    var bytes = 0
    var ttl: Int64?
    var budget: MemoryBudget?
    /// Change notifications of the last operation.
    var notified: [([UInt8], [UInt8]?)] = []

    static func cost(_ k: [UInt8], _ v: [UInt8]) -> Int { k.count + v.count + KeyValueStore.perEntryOverhead }

    mutating func remove(_ k: [UInt8]) {
        guard let old = map.removeValue(forKey: k) else { return }
        bytes -= Self.cost(k, old.value)
        dirty.insert(k)
        notified.append((k, nil))
    }

    /// False when the put must throw.
    mutating func put(_ k: [UInt8], _ v: [UInt8], ts: Int64) -> Bool {
        let delta = v.count - (map[k]?.value.count ?? -(k.count + KeyValueStore.perEntryOverhead))
        if let budget, delta > 0, bytes + delta > budget.bytes {
            guard budget.policy == .evictOldest, delta <= budget.bytes else { return false }
            let target = max(budget.bytes - budget.bytes / 10 - delta, 0)
            // Timestamps in these tests are unique, so "oldest first" is one order.
            for (key, _) in map.filter({ $0.key != k }).sorted(by: { $0.value.ts < $1.value.ts }) {
                if bytes <= target { break }
                remove(key)
            }
            if bytes + delta > budget.bytes { return false }
        }
        bytes += delta
        map[k] = (v, ts)
        dirty.insert(k)
        notified.append((k, v))
        return true
    }

    mutating func replay(_ k: [UInt8], _ v: [UInt8]?, ts: Int64) {
        if let old = map[k] { bytes -= Self.cost(k, old.value) }
        map[k] = v.map { ($0, ts) }
        if let v { bytes += Self.cost(k, v) }
        dirty.insert(k)
    }

    mutating func expire(now: Int64) -> Int {
        guard let ttl else { return 0 }
        let old = map.filter { $0.value.ts < now &- ttl }.map(\.key)
        for k in old { remove(k) }
        return old.count
    }
}

@Suite struct StoreModelTests {
    static let scenarios: [(seed: UInt64, keys: Int, budget: MemoryBudget?)] = [
        (11, 50, nil), (12, 2000, nil), (13, 300, MemoryBudget(bytes: 20_000, policy: .evictOldest)),
        (14, 300, MemoryBudget(bytes: 20_000, policy: .fail)),
    ]

    @Test(arguments: scenarios.indices)
    func storeMatchesDictionaryModel(scenario: Int) throws {
        let (seed, keyCount, budget) = Self.scenarios[scenario]
        var rng = SplitMix64(seed: seed)
        let keys = EntryTableTests.keySpace(keyCount, rng: &rng)
        let dir = TempDir()
        let options = StoreOptions(ttlMillis: 400 * 64, memoryBudget: budget, codec: .lz4, blockSize: 4096)
        let config = PartitionStateConfig(rootDirectory: dir.path, operatorName: "op", partition: 0)
        var state = try PartitionState(config: config)
        var store = try KeyValueStore(name: "s", options: options)
        try state.register(store)
        var model = ModelStore(ttl: 400 * 64, budget: budget)
        var notified: [([UInt8], [UInt8]?)] = []
        store.onChange = { notified.append(($0, $1)) }
        var restores = 0

        for step in 1...2500 {
            // Spaced so bulk loads can give each entry its own timestamp: eviction order is then unambiguous.
            let now = Int64(step) * 64
            let key = keys[Int(rng.next() % UInt64(keys.count))]
            model.notified = []
            notified = []
            switch rng.next() % 100 {
            case 0..<55:
                let value = rng.bytes(Int(rng.next() % 150))
                let ok = model.put(key, value, ts: now)
                if ok { try store.put(key, value, timestamp: now) } else { #expect(throws: StateError.self) { try store.put(key, value, timestamp: now) } }
            case 55..<70:
                #expect(store.delete(key) == model.map[key]?.value)
                model.remove(key)
            case 70..<75:
                #expect(store.expire(now: now) == model.expire(now: now))
            case 75..<82:
                let value: [UInt8]? = rng.next() % 3 == 0 ? nil : rng.bytes(Int(rng.next() % 60))
                store.applyChangelogRecord(key: key, value: value, timestamp: now)
                model.replay(key, value, ts: now)
            case 82..<88:
                let batch = (0..<Int(rng.next() % 40)).map { j in
                    SegmentEntry(
                        key: keys[Int(rng.next() % UInt64(keys.count))], value: rng.next() % 4 == 0 ? nil : rng.bytes(Int(rng.next() % 90)),
                        timestamp: now + Int64(j))
                }
                store.bulkLoad(batch)
                for e in batch { model.replay(e.key, e.value, ts: e.timestamp!) }
            case 88..<96:
                _ = try state.checkpoint(offsets: ["t": [0: now]])
                model.dirty = []
            default:
                // Restore into a fresh store and carry on with it: the restored table must be fully usable.
                _ = try state.checkpoint(offsets: ["t": [0: now]])
                model.dirty = []
                state = try PartitionState(config: config)
                store = try KeyValueStore(name: "s", options: options)
                store.onChange = { notified.append(($0, $1)) }
                try state.register(store)
                #expect(try state.restore() != nil)
                restores += 1
            }
            #expect(notified.map(\.0).sorted(by: { compareBytes($0, $1) < 0 }) == model.notified.map(\.0).sorted(by: { compareBytes($0, $1) < 0 }))
            #expect(store.count == model.map.count)
            #expect(store.dirtyCount == model.dirty.count)
            #expect(store.approximateBytes == model.bytes)
            #expect(store.get(key) == model.map[key]?.value)
            #expect(store.timestamp(of: key) == model.map[key]?.ts)
            if step % 250 == 0 { try expectSame(store, model) }
        }
        try expectSame(store, model)
        #expect(restores > 5)
    }

    private func expectSame(_ store: KeyValueStore, _ model: ModelStore) throws {
        #expect(contents(store) == model.map.mapValues(\.value))
        let sorted = model.map.keys.sorted { compareBytes($0, $1) < 0 }
        #expect(store.range().map(\.key) == sorted)
        if sorted.count > 4 {
            let (lo, hi) = (sorted[1], sorted[sorted.count - 2])
            #expect(store.range(from: lo, to: hi).map(\.key) == Array(sorted[1..<(sorted.count - 2)]))
        }
    }
}
