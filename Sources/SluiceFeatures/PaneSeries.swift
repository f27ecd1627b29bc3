import SluiceCore

/// Tumbling, hopping, sliding and unbounded windows over time-aligned panes.
///
/// - Tumbling and hopping windows are unions of panes of width gcd(size, every); a window is emitted
///   when it closes and a pane is dropped once the last window containing it has closed.
/// - Sliding windows use panes of width ⌈D / buckets⌉: a query merges the panes fully inside
///   `(t − D, t]` by their pre-aggregated state and scans only the raw entries of the (at most two)
///   panes cut by the window edges. Results are exact; the work per query is O(buckets + D/buckets
///   worth of events at the edges), not O(events in D).
/// - Unbounded is a single pane.
///
/// Each pane keeps `full` (every entry) and `settled` (entries older than the settle bound, which no
/// future query can split); the raw entries a query may still split live in one shared `RawLog`.
/// A point-in-time query on a pane is `settled ⊕ {raw entries of the pane with time ≤ t}`.
struct PaneSeries<A: Accumulator>: Series {
    enum Kind {
        case aligned(size: Int64, every: Int64)
        case sliding(Int64)
        case unbounded
    }

    /// The window geometry, identical for every key of one aggregate, so shared rather than stored
    /// per key: it keeps each key's element of the aggregate's column small.
    final class Shape {
        let function: AggregateFunction
        let kind: Kind
        let grace: Int64
        let width: Int64
        let isUnbounded: Bool
        /// Room for panes that a key's first pane gets: about as many as its window holds at once (capped),
        /// so that a key's buffer grows once or not at all instead of doubling from one. Keys are many and
        /// often short-lived (a user's few events): in S3's profile those doublings were ≈ 2 % of the samples.
        let initialPanes: Int

        init(_ function: AggregateFunction, window: WindowSpec, grace: Int64, slidingBuckets: Int) {
            self.function = function
            self.grace = grace
            switch window {
            case .tumbling(let s): kind = .aligned(size: s, every: s); width = s
            case .hopping(let s, let e): kind = .aligned(size: s, every: e); width = TimeMath.gcd(s, e)
            case .sliding(let d):
                kind = .sliding(d)
                let b = Int64(max(1, slidingBuckets))
                width = max(1, (d + b - 1) / b)
            default: kind = .unbounded; width = 1
            }
            if case .unbounded = kind { isUnbounded = true } else { isUnbounded = false }
            switch kind {
            case .aligned(let size, _): initialPanes = Int(min(size / width + 1, 8))
            case .sliding: initialPanes = 8
            case .unbounded: initialPanes = 1
            }
        }
    }

    struct Pane {
        var index: Int64
        var settled: A
        var full: A
        var minTime: Int64 = .max
        var maxTime: Int64 = .min
        /// Entries ever inserted (with or without input); persisted for the state layout.
        var count: Int = 0
    }

    let shape: Shape
    var function: AggregateFunction { shape.function }
    var kind: Kind { shape.kind }
    var grace: Int64 { shape.grace }
    var width: Int64 { shape.width }
    var isUnbounded: Bool { shape.isUnbounded }
    /// Live panes are `panes[head...]`, sorted by index. Dropped panes stay before `head` until the
    /// dead prefix is compacted (see `RawLog` for why).
    var panes: [Pane] = []
    var head = 0
    var raw = RawLog<A.Stored>()
    /// Aligned windows ending at or before this time are closed.
    var closedThrough: Int64 = .min

    init(_ shape: Shape) { self.shape = shape }

    @inline(__always)
    func paneIndex(_ t: Int64) -> Int64 { isUnbounded ? 0 : TimeMath.floorDiv(t, width) }

    /// Start time of pane `i` (by index, so that no pane is copied just to read it).
    @inline(__always)
    func start(_ i: Int) -> Int64 { panes[i].index &* width }

    /// Last time covered by pane `i`.
    @inline(__always)
    func last(_ i: Int) -> Int64 { isUnbounded ? .max : TimeMath.add(start(i), width - 1) }

    mutating func insert(_ e: Entry) {
        let idx = paneIndex(e.time)
        var i = panes.count
        while i > head && panes[i - 1].index > idx { i -= 1 }
        if i == head || panes[i - 1].index != idx {
            let p = Pane(index: idx, settled: A(function), full: A(function))
            if i == panes.count {
                if head > 0 && panes.count == panes.capacity { compactPanes(); i = panes.count }
                if panes.capacity == 0 { panes.reserveCapacity(shape.initialPanes) }
                panes.append(p)
            } else {
                panes.insert(p, at: i)
            }
            i += 1
        }
        // One access to the pane for its four updates: each `panes[i - 1].x = …` checked the buffer's uniqueness.
        Self.update(&panes[i - 1], with: e)
        raw.insert(A.Stored(e))
    }

    @inline(__always)
    private static func update(_ pane: inout Pane, with e: Entry) {
        if e.present { pane.full.add(e) }
        pane.minTime = min(pane.minTime, e.time)
        pane.maxTime = max(pane.maxTime, e.time)
        pane.count += 1
    }

    static var prefetchesEntries: Bool { A.prefetches }
    static var readsEntryValue: Bool { A.Stored.keepsValue }

    /// An in-order event goes to the newest pane, and settling feeds that pane's `settled` state.
    mutating func prefetch(for e: Entry) {
        guard head < panes.count else { return }
        let newest = panes.count - 1
        panes[newest].full.prefetch(for: e)
        panes[newest].settled.prefetch(for: e)
    }

    /// The per-event read (`SeriesOps.step`): `value(at:)` with the usual one-pane case read in place.
    mutating func valueInPlace(at t: Int64) -> Value {
        let q = query(at: t)
        if q.first + 1 == q.hi && covers(q.first, from: q.lo, upTo: t, sliding: q.isSliding) {
            return panes[q.first].full.resultInPlace(at: t)
        }
        return aggregate(q, at: t).result(at: t)
    }

    /// Lookups and tests; the per-event path uses `valueInPlace(at:)`, because here the optimizer copies the pane's
    /// state out before reading it (reference counting a set's or sketch's buffers).
    func value(at t: Int64) -> Value {
        let q = query(at: t)
        // Usual case: one pane, all of it ≤ t: its full state is the value.
        if q.first + 1 == q.hi && covers(q.first, from: q.lo, upTo: t, sliding: q.isSliding) {
            return panes[q.first].full.result(at: t)
        }
        return aggregate(q, at: t).result(at: t)
    }

    /// The panes `first..<hi` overlapping the window `[lo, t]` reported for an event at `t`.
    private func query(at t: Int64) -> (first: Int, hi: Int, lo: Int64, isSliding: Bool) {
        let lo: Int64
        var isSliding = false
        switch kind {
        case .unbounded:
            return (head, head < panes.count ? head + 1 : head, .min, false)
        case .aligned(let size, let every):
            lo = Lateness.firstWindowStart(t: t, size: size, every: every)
        case .sliding(let d):
            lo = TimeMath.add(TimeMath.sub(t, d), 1)
            isSliding = true
        }
        // Panes overlapping [lo, t], found from the newest end (where queries usually land).
        var hi = panes.count
        while hi > head && start(hi - 1) > t { hi -= 1 }
        var first = hi
        while first > head && last(first - 1) >= lo { first -= 1 }
        return (first, hi, lo, isSliding)
    }

    private func aggregate(_ q: (first: Int, hi: Int, lo: Int64, isSliding: Bool), at t: Int64) -> A {
        if q.first == q.hi { return A(function) }
        if q.first + 1 == q.hi { return part(q.first, from: q.lo, upTo: t, sliding: q.isSliding) }
        var acc = A(function)
        for i in q.first..<q.hi { acc.merge(part(i, from: q.lo, upTo: t, sliding: q.isSliding)) }
        return acc
    }

    /// Whether pane `i` lies wholly inside `[lo, t]` (aligned panes: only their upper edge can cut).
    @inline(__always)
    private func covers(_ i: Int, from lo: Int64, upTo t: Int64, sliding: Bool) -> Bool {
        panes[i].maxTime <= t && (!sliding || panes[i].minTime >= lo)
    }

    /// Pane `i` restricted to `[lo, t]`. Aligned panes lie wholly inside the window, so only their upper
    /// edge can cut; sliding panes never settle (their lower edge may cut anywhere), so both can.
    private func part(_ i: Int, from lo: Int64, upTo t: Int64, sliding: Bool) -> A {
        if covers(i, from: lo, upTo: t, sliding: sliding) { return panes[i].full }
        var a = sliding ? A(function) : panes[i].settled
        let from = sliding ? max(lo, start(i)) : (isUnbounded ? Int64.min : start(i))
        let to = min(t, last(i))
        var j = raw.lowerBound(from)
        let n = raw.items.count
        while j < n && raw.items[j].time <= to {
            if raw.items[j].present { a.add(raw.items[j].entry) }
            j += 1
        }
        return a
    }

    var nextDue: Int64? {
        guard case .aligned(let size, let every) = kind else { return nil }
        for i in head..<panes.count {
            let ps = start(i)
            let s = firstOpenStart(containing: ps, size: size, every: every)
            if s <= ps { return TimeMath.add(TimeMath.add(s, size), grace) }
        }
        return nil
    }

    /// The smallest window start whose window contains `ps` and is not closed yet.
    private func firstOpenStart(containing ps: Int64, size: Int64, every: Int64) -> Int64 {
        let containing = Lateness.firstWindowStart(t: ps, size: size, every: every)
        guard closedThrough != .min else { return containing }
        // Smallest multiple of `every` with s + size > closedThrough.
        let open = TimeMath.floorTo(TimeMath.sub(closedThrough, size), every) &+ every
        return max(containing, open)
    }

    mutating func close(watermark: Int64, settleBelow: Int64, emit: Bool) -> [ClosedValue] {
        let bound = TimeMath.sub(watermark, grace)
        switch kind {
        case .unbounded:
            settle(below: max(settleBelow, bound))
            return []
        case .sliding(let d):
            // Future queries are at t ≥ the settle bound and reach back to t − D + 1.
            let keepFrom = TimeMath.sub(max(settleBelow, bound), d)
            var n = head
            while n < panes.count && TimeMath.add(start(n), width) <= keepFrom { n += 1 }
            dropPanes(through: n)
            return []
        case .aligned(let size, let every):
            var out: [ClosedValue] = []
            if bound > closedThrough {
                if emit, let due = nextDue, due <= watermark { out = emitWindows(through: bound, size: size, every: every) }
                closedThrough = bound
                var n = head
                while n < panes.count && TimeMath.add(TimeMath.floorTo(start(n), every), size) <= closedThrough { n += 1 }
                dropPanes(through: n)
            }
            // This aggregate alone accepts events later than bound − every (see Lateness); the engine's
            // bound is at least as tight.
            settle(below: max(settleBelow, TimeMath.sub(bound, every)))
            return out
        }
    }

    /// Drops the live panes before index `n` together with their raw entries.
    private mutating func dropPanes(through n: Int) {
        guard n > head else { return }
        head = n
        if head == panes.count {
            panes.clearKeepingCapacity()
            head = 0
            raw.removeAll()
            return
        }
        raw.drop(below: start(head))
        if head >= panes.count - head { compactPanes() }
    }

    private mutating func compactPanes() {
        panes.removeFirst(head)
        head = 0
    }

    /// Folds raw entries older than `bound` into their panes' `settled` state.
    private mutating func settle(below bound: Int64) {
        guard raw.oldestTime < bound else { return }
        var p = head
        var j = raw.head
        let n = raw.items.count
        while j < n && raw.items[j].time < bound {
            let idx = paneIndex(raw.items[j].time)
            while panes[p].index < idx { p += 1 }
            if raw.items[j].present { panes[p].settled.addSettled(raw.items[j].entry) }
            j += 1
        }
        raw.advance(by: j - raw.head)
    }

    /// Windows with closedThrough < end ≤ bound that contain data, in end order.
    private func emitWindows(through bound: Int64, size: Int64, every: Int64) -> [ClosedValue] {
        guard head < panes.count else { return [] }
        var out: [ClosedValue] = []
        var s = firstOpenStart(containing: start(head), size: size, every: every)
        let lastStart = TimeMath.sub(bound, size)
        var pi = head
        while s <= lastStart {
            while pi < panes.count && start(pi) < s { pi += 1 }
            guard pi < panes.count else { break }
            let ps = start(pi)
            let end = s &+ size
            if ps >= end {
                // Skip the empty stretch: jump to the first window that contains the next pane.
                s = max(s &+ every, Lateness.firstWindowStart(t: ps, size: size, every: every))
                continue
            }
            var acc = A(function)
            var j = pi
            while j < panes.count && start(j) < end { acc.merge(panes[j].full); j += 1 }
            out.append(ClosedValue(start: s, end: end, value: acc.result(at: end - 1)))
            s &+= every
        }
        return out
    }

    /// The pane and raw-entry buffers: closing reads their oldest elements, inserting and querying their
    /// newest.
    static var prefetchedArrays: [PrefetchedArray] {
        [PrefetchedArray(offset: MemoryLayout<Self>.offset(of: \.panes)!, elementStride: MemoryLayout<Pane>.stride),
         PrefetchedArray(offset: MemoryLayout<Self>.offset(of: \Self.raw.items)!, elementStride: MemoryLayout<A.Stored>.stride)]
    }

    /// Layout 3: closed-through, the live pane count, then per pane: its index (delta from the previous
    /// pane's), its raw entry count, its entry count, its `settled` state unless empty (no entry settled
    /// yet), a flags byte, its `full` state if flagged (only when it is not what folding its raw entries into
    /// `settled` in time order gives: when entries arrived out of order, for a floating-point sum), its
    /// min/max time relative to the pane start if flagged (only when some entries are settled: otherwise they
    /// are its first and last raw entries' times), and its raw entries (time deltas). Varints throughout: a
    /// checkpoint writes every changed key, so its size is the checkpoint's cost.
    func encode(into w: inout StateWriter) {
        w.i64(closedThrough)
        w.varint(UInt64(panes.count - head))
        var j = raw.head
        var previousIndex: Int64 = 0
        for i in head..<panes.count {
            // Read in place: a copy of the pane would retain (and release) its states' storage, e.g. a set.
            let index = panes[i].index, count = panes[i].count
            let begin = j
            // The live raw entries are sorted and none precedes the first live pane: this pane's are those up to
            // its last instant (a comparison rather than a division per entry).
            let paneLast = last(i)
            while j < raw.items.count && raw.items[j].time <= paneLast { j += 1 }
            w.zigzag(index &- previousIndex)
            previousIndex = index
            w.varint(UInt64(j - begin))
            w.varint(UInt64(count))
            let allRaw = count == j - begin
            if !allRaw { panes[i].settled.encode(into: &w) }
            let storesFull = !A.isOrderInsensitive && !folded(allRaw ? A(function) : panes[i].settled, begin..<j).isIdentical(to: panes[i].full)
            let storesRange = !allRaw || j == begin
            w.u8((storesFull ? PaneFlags.full : 0) | (storesRange ? PaneFlags.range : 0))
            if storesFull { panes[i].full.encode(into: &w) }
            let paneStart = index &* width
            if storesRange {
                w.zigzag(panes[i].minTime &- paneStart)
                w.zigzag(panes[i].maxTime &- paneStart)
            }
            var previous = paneStart
            for k in begin..<j {
                raw.items[k].entry.encode(into: &w, after: previous)
                previous = raw.items[k].time
            }
        }
    }

    /// `state` with the raw entries `range` added, in time order.
    private func folded(_ state: A, _ range: Range<Int>) -> A {
        var a = state
        for k in range where raw.items[k].present { a.add(raw.items[k].entry) }
        return a
    }

    mutating func decodeState(from r: inout StateReader) throws(FeatureError) {
        if r.version < 2 { return try decodeLayout1(from: &r) }
        closedThrough = try r.i64()
        let n = try r.varCount(minSize: 6)
        panes.reserveCapacity(n)
        var lastTime = Int64.min
        var previousIndex: Int64 = 0
        for _ in 0..<n {
            let idx = previousIndex &+ (try r.zigzag())
            if !panes.isEmpty && idx <= previousIndex {
                throw FeatureError(.corruptState, "pane indices are not increasing", context: ["offset": "\(r.pos)"])
            }
            previousIndex = idx
            let rawCount = try r.varint()
            let count = try r.varint()
            guard rawCount <= count, count <= UInt64(Int.max) else {
                throw FeatureError(.corruptState, "pane has more raw entries than entries", context: ["offset": "\(r.pos)"])
            }
            let settled = rawCount == count ? A(function) : try A(decoding: &r, function)
            // Layout 2 stores every order-sensitive `full` state and every time range; layout 3 says which.
            let flags = r.version < 3 ? PaneFlags.range | (A.isOrderInsensitive ? 0 : PaneFlags.full) : try r.u8()
            guard flags & ~(PaneFlags.full | PaneFlags.range) == 0, flags & PaneFlags.range != 0 || (rawCount == count && rawCount > 0),
                  flags & PaneFlags.full == 0 || !A.isOrderInsensitive
            else {
                throw FeatureError(.corruptState, "pane flags do not fit the pane", context: ["offset": "\(r.pos)"])
            }
            let storedFull = flags & PaneFlags.full != 0 ? try A(decoding: &r, function) : nil
            let paneStart = idx &* width
            var minTime = Int64.max, maxTime = Int64.min
            if flags & PaneFlags.range != 0 {
                minTime = paneStart &+ (try r.zigzag())
                maxTime = paneStart &+ (try r.zigzag())
            }
            var full = storedFull ?? settled
            var previous = paneStart
            for _ in 0..<rawCount {
                let e = try Entry(decoding: &r, after: previous)
                guard paneIndex(e.time) == idx, e.time >= lastTime else {
                    throw FeatureError(.corruptState, "raw entry outside its pane or out of order", context: ["offset": "\(r.pos)"])
                }
                previous = e.time
                lastTime = e.time
                try Self.checkStorable(e, at: r.pos)
                if storedFull == nil && e.present { full.add(e) }
                if flags & PaneFlags.range == 0 {
                    minTime = min(minTime, e.time)
                    maxTime = max(maxTime, e.time)
                }
                raw.items.append(A.Stored(e))
            }
            panes.append(Pane(index: idx, settled: settled, full: full, minTime: minTime, maxTime: maxTime, count: Int(count)))
        }
    }

    /// A restored raw entry must fit the form this accumulator keeps: one this engine wrote always does.
    private static func checkStorable(_ e: Entry, at offset: Int) throws(FeatureError) {
        guard A.Stored.keepsAll(of: e) else {
            throw FeatureError(.corruptState, "raw entry has fields its aggregate does not use", context: ["offset": "\(offset)"])
        }
    }

    /// Layout 1 (checkpoints written before layout 2): fixed-width fields, both states always stored.
    private mutating func decodeLayout1(from r: inout StateReader) throws(FeatureError) {
        closedThrough = try r.i64()
        let n = try r.count(minSize: 8)
        panes.reserveCapacity(n)
        var lastTime = Int64.min
        for _ in 0..<n {
            let idx = try r.i64()
            let settled = try A(decoding: &r, function)
            let full = try A(decoding: &r, function)
            let minTime = try r.i64(), maxTime = try r.i64(), count = Int(try r.i64())
            if let prev = panes.last, prev.index >= idx {
                throw FeatureError(.corruptState, "pane indices are not increasing", context: ["offset": "\(r.pos)"])
            }
            panes.append(Pane(index: idx, settled: settled, full: full, minTime: minTime, maxTime: maxTime, count: count))
            let c = try r.count(minSize: 26)
            for _ in 0..<c {
                let e = try Entry(decoding: &r)
                guard paneIndex(e.time) == idx, e.time >= lastTime else {
                    throw FeatureError(.corruptState, "raw entry outside its pane or out of order", context: ["offset": "\(r.pos)"])
                }
                lastTime = e.time
                try Self.checkStorable(e, at: r.pos)
                raw.items.append(A.Stored(e))
            }
        }
    }
}

/// Layout 3's per-pane flags byte: which of a pane's derivable parts its snapshot stores.
enum PaneFlags {
    static let full: UInt8 = 1
    static let range: UInt8 = 2
}
