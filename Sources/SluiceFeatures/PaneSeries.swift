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
final class PaneSeries<A: Accumulator>: Series {
    enum Kind {
        case aligned(size: Int64, every: Int64)
        case sliding(Int64)
        case unbounded
    }

    struct Pane {
        var index: Int64
        var seg: Segment<A>
    }

    let function: AggregateFunction
    let kind: Kind
    let grace: Int64
    let width: Int64
    /// Sorted by index.
    var panes: [Pane] = []
    /// Aligned windows ending at or before this time are closed.
    var closedThrough: Int64 = .min
    /// A lower bound on the oldest raw (unsettled) entry, so `close` skips the settle scan when
    /// nothing can settle. Not persisted: a restored series rescans once.
    var oldestRaw: Int64 = .min

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
    }

    @inline(__always)
    func paneIndex(_ t: Int64) -> Int64 {
        if case .unbounded = kind { return 0 }
        return TimeMath.floorDiv(t, width)
    }

    /// Start time of pane `i` (by index, so that no pane is copied just to read it).
    @inline(__always)
    func start(_ i: Int) -> Int64 { panes[i].index &* width }

    func insert(_ e: Entry) {
        oldestRaw = min(oldestRaw, e.time)
        let idx = paneIndex(e.time)
        var i = panes.count
        while i > 0 && panes[i - 1].index > idx { i -= 1 }
        if i > 0 && panes[i - 1].index == idx {
            panes[i - 1].seg.insert(e)
        } else {
            var seg = Segment<A>(function)
            seg.insert(e)
            panes.insert(Pane(index: idx, seg: seg), at: i)
        }
    }

    func value(at t: Int64) -> Value { aggregate(at: t).result(at: t) }

    func aggregate(at t: Int64) -> A {
        let lo: Int64
        var isSliding = false
        switch kind {
        case .unbounded:
            return panes.first?.seg.value(upTo: t, function) ?? A(function)
        case .aligned(let size, let every):
            lo = Lateness.firstWindowStart(t: t, size: size, every: every)
        case .sliding(let d):
            lo = TimeMath.add(TimeMath.sub(t, d), 1)
            isSliding = true
        }
        // Panes overlapping [lo, t], found from the newest end (where queries usually land).
        var hi = panes.count
        while hi > 0 && start(hi - 1) > t { hi -= 1 }
        var first = hi
        while first > 0 && TimeMath.add(start(first - 1), width - 1) >= lo { first -= 1 }
        if first == hi { return A(function) }
        // Aligned panes lie wholly inside the window, so only their upper edge can cut; sliding panes
        // keep every raw entry, so both edges can.
        @inline(__always) func part(_ i: Int) -> A {
            isSliding ? panes[i].seg.value(from: lo, upTo: t, function) : panes[i].seg.value(upTo: t, function)
        }
        if first + 1 == hi { return part(first) }
        var acc = A(function)
        for i in first..<hi { acc.merge(part(i)) }
        return acc
    }

    var nextDue: Int64? {
        guard case .aligned(let size, let every) = kind else { return nil }
        for i in panes.indices {
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

    func close(watermark: Int64, settleBelow: Int64, emit: Bool) -> [ClosedValue] {
        let bound = TimeMath.sub(watermark, grace)
        switch kind {
        case .unbounded:
            let settle = max(settleBelow, bound)
            if !panes.isEmpty && oldestRaw < settle {
                panes[0].seg.settle(below: settle)
                oldestRaw = panes[0].seg.tail.first?.time ?? .max
            }
            return []
        case .sliding(let d):
            // Future queries are at t ≥ the settle bound and reach back to t − D + 1.
            let keepFrom = TimeMath.sub(max(settleBelow, bound), d)
            var n = 0
            while n < panes.count && TimeMath.add(start(n), width) <= keepFrom { n += 1 }
            if n > 0 { panes.removeFirst(n) }
            return []
        case .aligned(let size, let every):
            var out: [ClosedValue] = []
            if bound > closedThrough {
                if emit, let due = nextDue, due <= watermark { out = emitWindows(through: bound, size: size, every: every) }
                closedThrough = bound
                var n = 0
                while n < panes.count && TimeMath.add(TimeMath.floorTo(start(n), every), size) <= closedThrough { n += 1 }
                if n > 0 { panes.removeFirst(n) }
            }
            // This aggregate alone accepts events later than bound − every (see Lateness); the engine's
            // bound is at least as tight.
            let settle = max(settleBelow, TimeMath.sub(bound, every))
            if oldestRaw < settle {
                var oldest = Int64.max
                for i in panes.indices {
                    panes[i].seg.settle(below: settle)
                    if let f = panes[i].seg.tail.first?.time { oldest = min(oldest, f) }
                }
                oldestRaw = oldest
            }
            return out
        }
    }

    /// Windows with closedThrough < end ≤ bound that contain data, in end order.
    private func emitWindows(through bound: Int64, size: Int64, every: Int64) -> [ClosedValue] {
        guard !panes.isEmpty else { return [] }
        var out: [ClosedValue] = []
        var s = firstOpenStart(containing: start(0), size: size, every: every)
        let lastStart = TimeMath.sub(bound, size)
        var pi = 0
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
            while j < panes.count && start(j) < end { acc.merge(panes[j].seg.full); j += 1 }
            out.append(ClosedValue(start: s, end: end, value: acc.result(at: end - 1)))
            s &+= every
        }
        return out
    }

    func encode(into w: inout StateWriter) {
        w.i64(closedThrough)
        w.u32(UInt32(panes.count))
        for p in panes { w.i64(p.index); p.seg.encode(into: &w) }
    }

    func decodeState(from r: inout StateReader) throws(FeatureError) {
        closedThrough = try r.i64()
        let n = try r.count(minSize: 8)
        panes.reserveCapacity(n)
        for _ in 0..<n {
            let idx = try r.i64()
            panes.append(Pane(index: idx, seg: try Segment<A>(decoding: &r, function)))
        }
    }
}
