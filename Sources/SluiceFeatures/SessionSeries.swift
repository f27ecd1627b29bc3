import SluiceCore

/// Session windows: an event at `t` opens `[t, t + gap)`; windows that overlap merge, so a session is
/// `[first, last + gap)` and two events belong together when a chain of events less than `gap` apart
/// links them. A session closes when `watermark ≥ last + gap + grace`.
///
/// The point-in-time value at `t` covers the session's events with time ≤ `t`. Those are exactly the
/// session containing `t` in a sessionisation of the events ≤ `t` alone, because dropping later events
/// can split a session only after `t`.
final class SessionSeries<A: Accumulator>: Series {
    static var readsEntryValue: Bool { A.Stored.keepsValue }
    struct Session {
        var start: Int64
        var last: Int64
        var seg: Segment<A>
    }

    let function: AggregateFunction
    let gap: Int64
    let grace: Int64
    /// Sorted by start; windows never overlap.
    @exclusivity(unchecked) var sessions: [Session] = []

    init(_ function: AggregateFunction, gap: Int64, grace: Int64) {
        self.function = function
        self.gap = gap
        self.grace = grace
    }

    func insert(_ e: Entry) {
        let t = e.time
        let newEnd = TimeMath.add(t, gap)
        // Sessions whose window [start, last + gap) overlaps [t, t + gap).
        var lo = sessions.count
        while lo > 0 && sessions[lo - 1].start >= newEnd { lo -= 1 }
        var first = lo
        while first > 0 && TimeMath.add(sessions[first - 1].last, gap) > t { first -= 1 }
        if first == lo {
            var seg = Segment<A>(function)
            seg.insert(e)
            sessions.insert(Session(start: t, last: t, seg: seg), at: lo)
            return
        }
        var merged = sessions[first]
        for i in (first + 1)..<lo {
            merged.seg.absorb(sessions[i].seg)
            merged.last = max(merged.last, sessions[i].last)
        }
        merged.seg.insert(e)
        merged.start = min(merged.start, t)
        merged.last = max(merged.last, t)
        sessions.replaceSubrange(first..<lo, with: [merged])
    }

    func value(at t: Int64) -> Value {
        var i = sessions.count
        while i > 0 && sessions[i - 1].start > t { i -= 1 }
        guard i > 0, TimeMath.add(sessions[i - 1].last, gap) > t else { return A(function).result(at: t) }
        return sessions[i - 1].seg.value(upTo: t, function).result(at: t)
    }

    func close(watermark: Int64, settleBelow: Int64, emit: Bool) -> [ClosedValue] {
        let bound = TimeMath.sub(watermark, grace)
        let settle = max(settleBelow, bound)
        var out: [ClosedValue] = []
        var closing = false
        for i in sessions.indices {
            if TimeMath.add(sessions[i].last, gap) <= bound {
                closing = true
            } else if !sessions[i].seg.tail.isEmpty && sessions[i].seg.tail[0].time < settle {
                // Non-late events are at or after `settle`, so older raw entries can be settled.
                sessions[i].seg.settle(below: settle)
            }
        }
        guard closing else { return out }
        var kept: [Session] = []
        for s in sessions {
            let end = TimeMath.add(s.last, gap)
            if end <= bound {
                if emit { out.append(ClosedValue(start: s.start, end: end, value: s.seg.full.result(at: end - 1))) }
            } else {
                kept.append(s)
            }
        }
        sessions = kept
        return out
    }

    var nextDue: Int64? {
        var due: Int64?
        for s in sessions {
            let d = TimeMath.add(TimeMath.add(s.last, gap), grace)
            if due == nil || d < due! { due = d }
        }
        return due
    }

    func encode(into w: inout StateWriter) {
        w.u32(UInt32(sessions.count))
        for s in sessions { w.i64(s.start); w.i64(s.last); s.seg.encode(into: &w) }
    }

    func decodeState(from r: inout StateReader) throws(FeatureError) {
        let n = try r.count(minSize: 16)
        for _ in 0..<n {
            let start = try r.i64(), last = try r.i64()
            sessions.append(Session(start: start, last: last, seg: try Segment<A>(decoding: &r, function)))
        }
    }
}
