#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The in-memory representation behind `KeyValueStore`: every key and value lives in one byte arena, entries
/// are fixed-size records pointing into it, and an open-addressing index (linear probing, backward-shift
/// deletion) maps a seeded `KeyHash` of the key bytes to an entry.
///
/// Why not `[StateKey: Slot]`: restoring a million keys through a Dictionary cost two heap allocations and a
/// SipHash per entry. Here an insert is a hash, a probe and a copy into the arena, with no allocation beyond
/// amortised growth, so restore runs close to decode speed.
///
/// Entry indices are stable for an entry's lifetime (freed slots are reused via a free list, never moved), so
/// the dirty list can hold them. A deleted key that a checkpoint still has to tombstone stays in the table as
/// a `.tombstone` entry until `clearDirty()`; lookups of live data skip it.
///
/// A value type built from arrays: its hot loops run on `inout self` with static exclusivity checks only.
struct EntryTable {
    enum State: UInt8 { case live, tombstone, free }

    struct Entry {
        /// Arena offset of the key; the value follows it directly.
        var offset: Int
        var timestamp: Int64
        var keyLength: UInt32
        var valueLength: UInt32
        /// The entry's 32-bit hash, kept so the index can grow and shift without rehashing keys.
        var hash: UInt32
        var state: State
        var isDirty: Bool
    }

    var entries: [Entry] = []
    /// Power-of-two slots; each is 0 (empty) or `hash << 32 | (entry + 1)`, so most mismatches are rejected
    /// on the inline hash without touching the entry or the arena.
    var index: [UInt64]
    var arena: [UInt8] = []
    /// Key + value bytes of the records entries (live and tombstones) point to: `arena.count - recordBytes` is garbage.
    var recordBytes = 0
    var liveCount = 0
    /// Entries present in the index (live and tombstones).
    var indexedCount = 0
    var freeList: [Int32] = []
    /// Entries changed since the last `clearDirty()`, each once.
    var dirtyList: [Int32] = []
    private let seed: UInt64

    /// An empty table with room for `capacity` entries and `arenaBytes` of keys and values.
    init(capacity: Int = 0, arenaBytes: Int = 0, seed: UInt64 = KeyHash.processSeed) {
        self.seed = seed
        index = [UInt64](repeating: 0, count: Self.indexSize(for: capacity))
        entries.reserveCapacity(capacity)
        arena.reserveCapacity(arenaBytes)
    }

    var dirtyCount: Int { dirtyList.count }

    @inline(__always)
    func hash(_ key: UnsafeRawBufferPointer) -> UInt32 {
        let h = KeyHash.hash(key, seed: seed)
        return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }

    // MARK: Reading

    /// The entry for `key` (live or tombstone), with the index slot holding it or, when absent, the empty
    /// slot where it would go.
    @inline(__always)
    func probe(_ key: UnsafeRawBufferPointer, hash h: UInt32) -> (slot: Int, entry: Int?) {
        let mask = index.count - 1
        let tag = UInt64(h) << 32
        return index.withUnsafeBufferPointer { idx in
            entries.withUnsafeBufferPointer { ents in
                arena.withUnsafeBytes { bytes in
                    var s = Int(h) & mask
                    while true {
                        let slot = idx[s]
                        if slot == 0 { return (s, nil) }
                        if slot & 0xFFFF_FFFF_0000_0000 == tag {
                            let i = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                            let e = ents[i]
                            if Int(e.keyLength) == key.count
                                && (key.count == 0 || memcmp(bytes.baseAddress! + e.offset, key.baseAddress!, key.count) == 0)
                            { return (s, i) }
                        }
                        s = (s + 1) & mask
                    }
                }
            }
        }
    }

    /// The index word where a probe for hash `h` starts; reading it early warms the cache for that probe.
    @inline(__always)
    func indexWord(for h: UInt32) -> UInt64 { index[Int(h) & (index.count - 1)] }

    /// The live entry for `key`, if any.
    func liveEntry(_ key: UnsafeRawBufferPointer) -> Int? {
        liveEntry(key, hash: hash(key))
    }

    @inline(__always)
    func liveEntry(_ key: UnsafeRawBufferPointer, hash h: UInt32) -> Int? {
        guard let i = probe(key, hash: h).entry, entries[i].state == .live else { return nil }
        return i
    }

    /// Calls `body` with views of entry `i`'s key and value (empty for a tombstone), valid during the call.
    func withBytes<R>(of i: Int, _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let e = entries[i]
        return try arena.withUnsafeBytes { a in
            let k = Int(e.keyLength)
            return try body(
                UnsafeRawBufferPointer(rebasing: a[e.offset..<(e.offset + k)]),
                UnsafeRawBufferPointer(rebasing: a[(e.offset + k)..<(e.offset + k + Int(e.valueLength))]))
        }
    }

    /// Calls `body` with each listed entry and views of its key and value, in the order given (one arena access
    /// for the whole pass, which matters when a checkpoint writes a million entries).
    func forEachRecord(
        _ ids: [Int32], _ body: (_ entry: Entry, _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void
    ) rethrows {
        try arena.withUnsafeBytes { a in
            for id in ids {
                let e = entries[Int(id)]
                let k = Int(e.keyLength)
                try body(
                    e, UnsafeRawBufferPointer(rebasing: a[e.offset..<(e.offset + k)]),
                    UnsafeRawBufferPointer(rebasing: a[(e.offset + k)..<(e.offset + k + Int(e.valueLength))]))
            }
        }
    }

    func key(at i: Int) -> [UInt8] {
        let e = entries[i]
        return Array(arena[e.offset..<(e.offset + Int(e.keyLength))])
    }

    func value(at i: Int) -> [UInt8] {
        let e = entries[i]
        let start = e.offset + Int(e.keyLength)
        return Array(arena[start..<(start + Int(e.valueLength))])
    }

    // MARK: Writing

    /// Inserts or replaces `key` as a live entry (reviving a tombstone). Returns the entry and the previous
    /// live value's length (nil when the key was absent or a tombstone). The entry's dirty flag is untouched.
    @discardableResult
    mutating func upsert(
        _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, timestamp: Int64, hash h: UInt32
    ) -> (entry: Int, previousValueLength: Int?) {
        var (slot, found) = probe(key, hash: h)
        if let i = found {
            var e = entries[i]
            let previous = e.state == .live ? Int(e.valueLength) : nil
            if value.count <= Int(e.valueLength) {
                // Same or smaller: overwrite in place; the unused tail becomes garbage.
                arena.withUnsafeMutableBytes { a in
                    if let src = value.baseAddress, value.count > 0 {
                        (a.baseAddress! + e.offset + Int(e.keyLength)).copyMemory(from: src, byteCount: value.count)
                    }
                }
            } else {
                // Larger: move the record to the end; the old one becomes garbage.
                e.offset = appendRecord(key, value)
            }
            recordBytes += value.count - Int(e.valueLength)
            if e.state != .live { liveCount += 1 }
            e.valueLength = UInt32(value.count)
            e.timestamp = timestamp
            e.state = .live
            entries[i] = e
            compactArenaIfNeeded()
            return (i, previous)
        }
        if needsGrowth {
            growIndex()
            slot = probe(key, hash: h).slot
        }
        let i = addEntry(Entry(
            offset: appendRecord(key, value), timestamp: timestamp, keyLength: UInt32(key.count),
            valueLength: UInt32(value.count), hash: h, state: .live, isDirty: false), slot: slot)
        recordBytes += key.count + value.count
        liveCount += 1
        return (i, nil)
    }

    /// Adds a tombstone entry for an absent `key` (a delete replayed for a key this store never held still has
    /// to be written at the next checkpoint). Returns the existing entry when there is one.
    mutating func tombstone(forAbsent key: UnsafeRawBufferPointer, hash h: UInt32) -> Int {
        var (slot, found) = probe(key, hash: h)
        if let i = found { return i }
        if needsGrowth {
            growIndex()
            slot = probe(key, hash: h).slot
        }
        recordBytes += key.count
        return addEntry(Entry(
            offset: appendRecord(key, UnsafeRawBufferPointer(start: nil, count: 0)), timestamp: 0,
            keyLength: UInt32(key.count), valueLength: 0, hash: h, state: .tombstone, isDirty: false), slot: slot)
    }

    /// Turns live entry `i` into a tombstone: its value is dropped, its key kept for the checkpoint.
    mutating func kill(_ i: Int) {
        precondition(entries[i].state == .live, "kill of a non-live entry")
        recordBytes -= Int(entries[i].valueLength)
        entries[i].valueLength = 0
        entries[i].timestamp = 0
        entries[i].state = .tombstone
        liveCount -= 1
        compactArenaIfNeeded()
    }

    /// Removes entry `i` from the table entirely (restore applying a tombstone; a checkpoint retiring one).
    mutating func erase(_ i: Int) {
        let e = entries[i]
        precondition(e.state != .free, "erase of a free entry")
        removeFromIndex(i, hash: e.hash)
        recordBytes -= Int(e.keyLength) + Int(e.valueLength)
        if e.state == .live { liveCount -= 1 }
        entries[i].state = .free
        entries[i].isDirty = false
        entries[i].valueLength = 0
        entries[i].keyLength = 0
        freeList.append(Int32(i))
        compactArenaIfNeeded()
    }

    private mutating func addEntry(_ e: Entry, slot: Int) -> Int {
        let i: Int
        if let free = freeList.popLast() {
            i = Int(free)
            entries[i] = e
        } else {
            i = entries.count
            precondition(i < Int(UInt32.max) - 1, "entry table full")
            entries.append(e)
        }
        index[slot] = UInt64(e.hash) << 32 | UInt64(i + 1)
        indexedCount += 1
        return i
    }

    private mutating func appendRecord(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Int {
        precondition(key.count <= Int(UInt32.max) && value.count <= Int(UInt32.max), "key or value over 4 GiB")
        let offset = arena.count
        // Typed views take Array's memcpy path for appending.
        arena.append(contentsOf: key.assumingMemoryBound(to: UInt8.self))
        arena.append(contentsOf: value.assumingMemoryBound(to: UInt8.self))
        return offset
    }
}
