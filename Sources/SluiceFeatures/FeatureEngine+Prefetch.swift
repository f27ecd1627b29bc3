import CPrefetch

/// Prefetching the state of records about to be processed.
///
/// With more keys than fit in the cache, a record's step is dominated by memory latency: the key's
/// row, then each aggregate's pane and raw-entry buffers, are each a cache miss, taken one after the
/// other. A caller that knows the next records' keys (a batch) overlaps those misses with the current
/// record's work, in two stages:
///
/// ```swift
/// // record i + 2: its row is fetched; record i + 1: the buffers its row points to
/// ahead[i + 2] = engine.prefetchRow(key: keyOf(i + 2))
/// if let s = ahead[i + 1] { engine.prefetchStorage(s) }
/// engine.process(record(i), ...)
/// ```
///
/// Both are hints: they change no state, and a slot that went stale meanwhile only costs a wasted fetch.
extension FeatureEngine {
    /// A key's place in the engine's state, as found by `prefetchRow(key:)`.
    public struct StateSlot: Sendable {
        let index: Int
    }

    /// Looks up the key (nil when it has no state yet) and starts fetching its row.
    public func prefetchRow(key: [UInt8]) -> StateSlot? {
        guard let slot = states[KeyBytes(key)] else { return nil }
        rows.prefetchRow(slot)
        return StateSlot(index: slot)
    }

    /// Starts fetching the heap storage that the key's aggregates will touch; call once the row had
    /// time to arrive (one record later).
    public func prefetchStorage(_ slot: StateSlot) {
        guard slot.index < rows.count, let base = rows.base else { return }
        // Array references read as raw words at precomputed offsets in the row: no closure call per
        // aggregate and no retain (an atomic write to the very line being prefetched).
        let row = UnsafeRawPointer(base + slot.index &* rows.stride)
        for offset in prefetchedArrayOffsets {
            let buffer = row.load(fromByteOffset: offset, as: UnsafeRawPointer.self)
            sluice_prefetch(buffer)
            sluice_prefetch(buffer + 64)
        }
    }
}
