/// Builds a store's map in bulk (restore, `bulkLoad`): entries are applied in order — a live entry inserts or
/// replaces its key, a tombstone removes it — with capacity reserved up front and the memory estimate kept
/// as it goes, so no second pass over a million entries is needed.
struct StoreLoader: SegmentEntryVisitor {
    private(set) var map: [StateKey: KeyValueStore.Slot]
    private(set) var approximateBytes: Int

    /// A loader for an empty map with room for `capacity` keys.
    init(capacity: Int) {
        map = [:]
        map.reserveCapacity(capacity)
        approximateBytes = 0
    }

    /// A loader that takes over `existing` (leaving it empty, so the map stays uniquely referenced and is
    /// grown in place) with room for `extra` more keys.
    init(taking existing: inout [StateKey: KeyValueStore.Slot], approximateBytes: Int, extra: Int) {
        map = [:]
        swap(&map, &existing)
        map.reserveCapacity(map.count + extra)
        self.approximateBytes = approximateBytes
    }

    /// Hands the finished map over without copying it.
    mutating func take() -> (map: [StateKey: KeyValueStore.Slot], approximateBytes: Int) {
        defer { map = [:]; approximateBytes = 0 }
        return (map, approximateBytes)
    }

    /// Segment path: one copy of the key and of the value out of the decompressed block, nothing else per entry.
    mutating func visit(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?, timestamp: Int64?) {
        apply(key: StateKey(Self.copy(key)), value: value.map(Self.copy), timestamp: timestamp ?? 0)
    }

    @discardableResult
    mutating func apply(key: StateKey, value: [UInt8]?, timestamp: Int64) -> Bool {
        if let value {
            if let old = map.updateValue(KeyValueStore.Slot(value: value, timestamp: timestamp), forKey: key) {
                approximateBytes += value.count - old.value.count
            } else {
                approximateBytes += KeyValueStore.cost(key.bytes.count, value.count)
            }
            return true
        }
        guard let old = map.removeValue(forKey: key) else { return false }
        approximateBytes -= KeyValueStore.cost(key.bytes.count, old.value.count)
        return true
    }

    @inline(__always)
    private static func copy(_ b: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: b.count) { dst, n in
            if let src = b.baseAddress, b.count > 0 { UnsafeMutableRawPointer(dst.baseAddress!).copyMemory(from: src, byteCount: b.count) }
            n = b.count
        }
    }
}

extension KeyValueStore {
    /// Applies many entries at once, as a batch form of `applyChangelogRecord`: each live entry inserts or
    /// replaces its key, each tombstone deletes it, in order. Loaded keys are marked dirty (the next
    /// checkpoint persists them); there are no change notifications and the memory budget is not enforced.
    /// Capacity for all entries is reserved up front, which makes seeding a large store much faster than `put`.
    ///
    /// ```swift
    /// store.bulkLoad(snapshot.map { SegmentEntry(key: $0.key, value: $0.value) })
    /// ```
    public func bulkLoad(_ entries: some Collection<SegmentEntry>) {
        var loader = StoreLoader(taking: &map, approximateBytes: approximateBytes, extra: entries.count)
        dirty.reserveCapacity(dirty.count + entries.count)
        for e in entries {
            let k = StateKey(e.key)
            loader.apply(key: k, value: e.value, timestamp: e.timestamp ?? 0)
            dirty.insert(k)
        }
        (map, approximateBytes) = loader.take()
    }

    /// Replaces the whole content with a loader's result (restore), without dirty marks or change notifications.
    func replaceContents(_ loader: inout StoreLoader) {
        (map, approximateBytes) = loader.take()
        dirty.removeAll()
    }
}
