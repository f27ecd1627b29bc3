/// The parts of a store that checkpoints, restores and changelog replay use.
extension KeyValueStore {
    /// Writes the dirty keys, sorted, to `writer`: current values, or tombstones for deleted keys.
    func writeDirty(to writer: SegmentWriter) throws {
        try write(Self.sortedKeys(dirty), to: writer)
    }

    /// Writes every live key, sorted (a full snapshot).
    func writeAll(to writer: SegmentWriter) throws {
        try write(Self.sortedKeys(map.keys), to: writer)
    }

    private func write(_ keys: [StateKey], to writer: SegmentWriter) throws {
        let keepTimestamps = options.ttlMillis != nil
        for k in keys {
            try k.bytes.withUnsafeBytes { kb in
                if let slot = map[k] {
                    try slot.value.withUnsafeBytes { vb in
                        try writer.append(key: kb, value: vb, timestamp: keepTimestamps ? slot.timestamp : nil)
                    }
                } else {
                    try writer.append(key: kb, value: nil, timestamp: nil)
                }
            }
        }
    }

    /// `keys` in ascending unsigned-byte order. `StateKey`'s `<` decides on its inline 8-byte prefix and reads
    /// the key bytes only on a tie, so sorting a million keys costs no heap access per comparison.
    static func sortedKeys(_ keys: some Collection<StateKey>) -> [StateKey] {
        var all = Array(keys)
        all.sort()
        return all
    }

    /// Forgets dirty tracking: called once a checkpoint holding the changes is durable.
    func markClean() { dirty.removeAll(keepingCapacity: true) }

    /// Applies one changelog record while restoring from the changelog topic: no change
    /// notification (it would echo back into the changelog), but the key is marked dirty so the
    /// next checkpoint persists it locally. The memory budget is not enforced during replay.
    public func applyChangelogRecord(key: [UInt8], value: [UInt8]?, timestamp: Int64 = 0) {
        let k = StateKey(key)
        if let old = map[k] { approximateBytes -= Self.cost(key.count, old.value.count) }
        if let value {
            map[k] = Slot(value: value, timestamp: timestamp)
            approximateBytes += Self.cost(key.count, value.count)
        } else {
            map.removeValue(forKey: k)
        }
        dirty.insert(k)
    }
}
