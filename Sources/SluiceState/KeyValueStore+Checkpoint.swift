/// The parts of a store that checkpoints, restores and changelog replay use.
extension KeyValueStore {
    /// Writes the dirty keys, sorted, to `writer`: current values, or tombstones for deleted keys.
    func writeDirty(to writer: SegmentWriter) throws {
        try write(table.sortedByKey(table.dirtyList), to: writer)
    }

    /// Writes every live key, sorted (a full snapshot).
    func writeAll(to writer: SegmentWriter) throws {
        try write(table.sortedByKey(table.liveEntries), to: writer)
    }

    /// Keys and values go to the writer straight from the arena: no copy per entry.
    private func write(_ ids: [Int32], to writer: SegmentWriter) throws {
        let keepTimestamps = options.ttlMillis != nil
        try table.forEachRecord(ids) { e, key, value in
            if e.state == .live {
                try writer.append(key: key, value: value, timestamp: keepTimestamps ? e.timestamp : nil)
            } else {
                try writer.append(key: key, value: nil, timestamp: nil)
            }
        }
    }

    /// Forgets dirty tracking: called once a checkpoint holding the changes is durable.
    func markClean() { table.clearDirty() }

    /// Applies one changelog record while restoring from the changelog topic: no change
    /// notification (it would echo back into the changelog), but the key is marked dirty so the
    /// next checkpoint persists it locally. The memory budget is not enforced during replay.
    public func applyChangelogRecord(key: [UInt8], value: [UInt8]?, timestamp: Int64 = 0) {
        key.withUnsafeBytes { k in
            if let value {
                value.withUnsafeBytes { v in applyReplayed(key: k, value: v, timestamp: timestamp) }
            } else {
                applyReplayed(key: k, value: nil, timestamp: timestamp)
            }
        }
    }

    /// One replayed entry (changelog record or `bulkLoad` entry): insert, replace or delete, marked dirty.
    /// A delete of an absent key is still recorded, so the next checkpoint writes its tombstone.
    func applyReplayed(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?, timestamp: Int64) {
        let h = table.hash(key)
        let i: Int
        if let value {
            let previous: Int?
            (i, previous) = table.upsert(key, value, timestamp: timestamp, hash: h)
            approximateBytes += previous.map { value.count - $0 } ?? Self.cost(key.count, value.count)
        } else if let live = table.liveEntry(key, hash: h) {
            approximateBytes -= Self.cost(key.count, Int(table.entries[live].valueLength))
            table.kill(live)
            i = live
        } else {
            i = table.tombstone(forAbsent: key, hash: h)
        }
        table.markDirty(i)
    }
}
