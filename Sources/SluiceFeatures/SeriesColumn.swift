import CPrefetch

/// Every aggregate's series of every key, one row per key slot: the state of one key lies side by
/// side (row `slot`, at a fixed offset per aggregate, after the engine's `KeySlot`).
///
/// Why rows rather than one array per aggregate: a record touches all aggregates of its key, and
/// their state is usually out of cache; side by side they share cache lines and a page instead of
/// costing a miss (and a TLB walk) per aggregate. Why raw memory rather than arrays of objects or
/// of structs: elements are mutated in place through a pointer, without an object to reference count
/// or an array uniqueness check, and a series is never copied (which would retain its buffers).
final class SeriesRows {
    private(set) var base: UnsafeMutableRawPointer?
    /// Bytes per row; fixed once the first row exists.
    private(set) var stride = 0
    private(set) var count = 0
    private var capacity = 0
    private var alignment = 16
    /// Per reserved series type: moves its elements of `n` rows between buffers of stride `s`.
    private var movers: [(_ from: UnsafeMutableRawPointer, _ to: UnsafeMutableRawPointer, _ n: Int, _ s: Int) -> Void] = []
    /// Per reserved series type: deinitialises its elements of `n` rows.
    private var destroyers: [(_ base: UnsafeMutableRawPointer, _ n: Int, _ s: Int) -> Void] = []

    /// Reserves room for a series of type `S` in every row and returns its offset. Only before the
    /// first row is added.
    func reserve<S>(_: S.Type) -> Int {
        precondition(capacity == 0, "series layout is fixed once rows exist")
        let a = MemoryLayout<S>.alignment
        let offset = (stride + a - 1) / a * a
        stride = offset + max(MemoryLayout<S>.size, 1)
        alignment = max(alignment, a)
        movers.append { from, to, n, s in
            for r in 0..<n {
                let src = (from + (r &* s &+ offset)).assumingMemoryBound(to: S.self)
                (to + (r &* s &+ offset)).bindMemory(to: S.self, capacity: 1).moveInitialize(from: src, count: 1)
            }
        }
        destroyers.append { base, n, s in
            for r in 0..<n { (base + (r &* s &+ offset)).assumingMemoryBound(to: S.self).deinitialize(count: 1) }
        }
        return offset
    }

    /// Adds a row whose elements are uninitialised (each column initialises its own); returns its index.
    func appendRow() -> Int {
        if count == capacity {
            if capacity == 0 { stride = (stride + alignment - 1) / alignment * alignment }
            let newCapacity = max(16, capacity * 2)
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: newCapacity * stride, alignment: alignment)
            if let base {
                for move in movers { move(base, bigger, count, stride) }
                base.deallocate()
            }
            base = bigger
            capacity = newCapacity
        }
        count += 1
        return count - 1
    }

    /// Hints the CPU to fetch every cache line of row `slot`.
    func prefetchRow(_ slot: Int) {
        guard let base, slot < count else { return }
        let start = base + slot &* stride
        var line = 0
        while line < stride {
            sluice_prefetch(start + line)
            line &+= 64
        }
        sluice_prefetch(start + (stride - 1))
    }

    deinit {
        guard let base else { return }
        for destroy in destroyers { destroy(base, count, stride) }
        base.deallocate()
    }
}

/// One reserved element (an aggregate's series, or the engine's per-key bookkeeping) in every row of
/// a `SeriesRows`.
struct SeriesColumn<S> {
    let rows: SeriesRows
    let offset: Int

    init(_ rows: SeriesRows) {
        self.rows = rows
        offset = rows.reserve(S.self)
    }

    /// The series of row `slot` (initialised, except inside `initialize`).
    @inline(__always)
    func at(_ slot: Int) -> UnsafeMutablePointer<S> {
        (rows.base.unsafelyUnwrapped + (slot &* rows.stride &+ offset)).assumingMemoryBound(to: S.self)
    }

    /// Initialises row `slot`'s element (a row just added by `appendRow`).
    func initialize(_ slot: Int, to s: S) {
        (rows.base.unsafelyUnwrapped + (slot &* rows.stride &+ offset)).bindMemory(to: S.self, capacity: 1).initialize(to: s)
    }
}

/// The engine's `KeySlot` of every row, read and updated in place.
struct KeySlots {
    let column: SeriesColumn<FeatureEngine.KeySlot>

    subscript(slot: Int) -> FeatureEngine.KeySlot {
        get { column.at(slot).pointee }
        nonmutating _modify { yield &column.at(slot).pointee }
    }
}
