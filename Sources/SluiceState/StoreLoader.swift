/// Builds a store's table during restore: entries are applied in order — a live entry inserts or replaces its
/// key, a tombstone removes it — with room reserved up front and the memory estimate kept as it goes, so no
/// second pass over a million entries is needed.
struct StoreLoader: SegmentEntryVisitor {
    private(set) var table: EntryTable
    private(set) var approximateBytes = 0
    /// Entries decoded but not yet applied: views into the current block, drained by `endOfBlock` at the latest.
    private var pending: [(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?, timestamp: Int64, hash: UInt32)] = []
    /// Sink for the index words read ahead of use (see `visit`); kept so the reads are not optimised away.
    private var warmed: UInt64 = 0
    /// Entries per batch: enough index reads in flight to overlap their cache misses, few enough that the
    /// touched index lines are still cached when the batch is applied.
    static let batchSize = 32

    /// A loader for an empty table with room for `capacity` keys and `bytes` of keys and values.
    init(capacity: Int, bytes: Int = 0) {
        table = EntryTable(capacity: capacity, arenaBytes: bytes)
        pending.reserveCapacity(Self.batchSize)
    }

    /// Segment path: key and value are copied once from the decompressed block into the arena, nothing is
    /// allocated per entry.
    ///
    /// A million-key index does not fit any cache, so each insert's first index read is a cache miss that
    /// dominated restore when taken one entry at a time. Entries are therefore collected in batches; a tight
    /// loop reads every batch entry's index slot first — independent loads the CPU keeps in flight together —
    /// and the inserts that follow find those slots cached.
    mutating func visit(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?, timestamp: Int64?) {
        pending.append((key, value, timestamp ?? 0, table.hash(key)))
        if pending.count == Self.batchSize { applyPending() }
    }

    mutating func endOfBlock() { applyPending() }

    private mutating func applyPending() {
        var sink: UInt64 = 0
        for p in pending { sink &+= table.indexWord(for: p.hash) }
        warmed &+= sink
        for p in pending {
            if let value = p.value {
                let previous = table.upsert(p.key, value, timestamp: p.timestamp, hash: p.hash).previousValueLength
                approximateBytes += previous.map { value.count - $0 } ?? KeyValueStore.cost(p.key.count, value.count)
            } else if let i = table.liveEntry(p.key, hash: p.hash) {
                // A fresh table holds no tombstone entries: the removed key leaves it.
                approximateBytes -= KeyValueStore.cost(p.key.count, Int(table.entries[i].valueLength))
                table.erase(i)
            }
        }
        pending.removeAll(keepingCapacity: true)
    }
}

extension KeyValueStore {
    /// Applies many entries at once, as a batch form of `applyChangelogRecord`: each live entry inserts or
    /// replaces its key, each tombstone deletes it, in order. Loaded keys are marked dirty (the next
    /// checkpoint persists them); there are no change notifications and the memory budget is not enforced.
    /// Room for all entries is reserved up front, which makes seeding a large store much faster than `put`.
    ///
    /// ```swift
    /// store.bulkLoad(snapshot.map { SegmentEntry(key: $0.key, value: $0.value) })
    /// ```
    public func bulkLoad(_ entries: some Collection<SegmentEntry>) {
        let bytes = entries.reduce(0) { $0 + $1.key.count + ($1.value?.count ?? 0) }
        table.reserve(entries: entries.count, bytes: bytes)
        table.dirtyList.reserveCapacity(table.dirtyList.count + entries.count)
        for e in entries {
            e.key.withUnsafeBytes { k in
                if let value = e.value {
                    value.withUnsafeBytes { v in applyReplayed(key: k, value: v, timestamp: e.timestamp ?? 0) }
                } else {
                    applyReplayed(key: k, value: nil, timestamp: e.timestamp ?? 0)
                }
            }
        }
    }

    /// Replaces the whole content with a loader's result (restore), without dirty marks or change notifications.
    func replaceContents(_ loader: consuming StoreLoader) {
        table = loader.table
        approximateBytes = loader.approximateBytes
    }
}
