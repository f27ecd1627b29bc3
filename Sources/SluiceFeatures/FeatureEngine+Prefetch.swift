import CPrefetch

/// Prefetching the state of records about to be processed.
///
/// With more keys than fit in the cache, a record's step is dominated by memory latency: the key's
/// row, then each aggregate's pane and raw-entry buffers (their headers, then their newest elements)
/// are each a cache miss, taken one after the other. A caller that knows the next records' keys (a
/// batch) overlaps those misses with the current record's work, in three stages, each reading only
/// what the previous one fetched:
///
/// ```swift
/// ahead[i + 3] = engine.prefetchRow(key: keyOf(i + 3))      // the key's row
/// if let s = ahead[i + 2] { engine.prefetchStorage(s) }      // the buffers' heads (the row points to them)
/// if let s = ahead[i + 1] { engine.prefetchTails(s) }        // their newest elements (the heads hold the counts)
/// engine.process(record(i), key: keyOf(i), slot: ahead[i]!, ...)
/// ```
///
/// All are hints: they change no state, and a slot that went stale meanwhile only costs a wasted fetch.
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

    /// Starts fetching the first lines of the buffers the key's aggregates will touch (their headers and
    /// oldest elements); call once the row had time to arrive.
    public func prefetchStorage(_ slot: StateSlot) {
        forEachArray(of: slot) { buffer, elementStride in
            // The header and the whole first element: a key's only pane is its newest. (A pane of a set or a
            // sketch spans three lines; fetching two left its set's reference to be missed in the step.)
            sluice_prefetch(buffer)
            sluice_prefetch(buffer + 64)
            if elementStride > 96 { sluice_prefetch(buffer + 128) }
            if elementStride > 160 { sluice_prefetch(buffer + 192) }
        }
    }

    /// Starts fetching the newest element of each of those buffers and the room after it (where an insert
    /// goes); call once the buffers' headers had time to arrive.
    public func prefetchTails(_ slot: StateSlot) {
        forEachArray(of: slot) { buffer, elementStride in
            let count = buffer.load(fromByteOffset: ArrayBufferLayout.countOffset, as: Int.self)
            guard count > 1 else { return }
            let last = buffer + ArrayBufferLayout.headerBytes + (count - 1) &* elementStride
            sluice_prefetch(last)
            if elementStride > 64 { sluice_prefetch(last + 64) }
            if elementStride > 128 { sluice_prefetch(last + 128) }
            sluice_prefetch(last + elementStride)
        }
    }

    /// Calls `body` with each prefetched array's buffer in the slot's row. Array references are read as raw
    /// words at precomputed offsets: no closure call per aggregate and no retain (an atomic write to the very
    /// line being prefetched).
    @inline(__always)
    private func forEachArray(of slot: StateSlot, _ body: (UnsafeRawPointer, Int) -> Void) {
        guard slot.index < rows.count, let base = rows.base else { return }
        let row = UnsafeRawPointer(base + slot.index &* rows.stride)
        for array in prefetchedArrays {
            body(row.load(fromByteOffset: array.offset, as: UnsafeRawPointer.self), array.elementStride)
        }
    }
}

/// A Swift array is one reference to its heap buffer: a header (with the count at byte 16), then the elements.
/// The prefetches read buffers with this layout directly.
enum ArrayBufferLayout {
    static let headerBytes = 32
    static let countOffset = 16
}

/// Starts fetching element `index` of `array` without reading the array's header (its count or capacity),
/// which may not be in the cache yet either. `index` must be within the array's capacity.
@inline(__always)
func prefetchArrayElement<T>(_ array: borrowing [T], _ index: Int, stride: Int) {
    // The reference read as a plain word: a copy of the array would retain the buffer, a write to the very
    // line being fetched.
    let buffer = withUnsafeBytes(of: array) { $0.load(as: UnsafeRawPointer.self) }
    sluice_prefetch(buffer + ArrayBufferLayout.headerBytes + index &* stride)
}
