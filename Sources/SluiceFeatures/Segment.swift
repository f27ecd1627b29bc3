/// The events of one pane or session for one aggregate, arranged so that a point-in-time query
/// ("only events with time ≤ t") is exact without replaying the whole stretch.
///
/// - `full` is the aggregate of every entry (the answer whenever no entry is newer than `t`).
/// - `tail` keeps the raw entries that a future query may still split: those with time ≥ the settle
///   bound. Future queries always come from non-late events, whose times are ≥ that bound, so entries
///   below it are folded into `settled` and dropped as raw data.
/// - A query at `t` is `settled ⊕ {tail entries with time ≤ t}`.
struct Segment<A: Accumulator> {
    var settled: A
    var full: A
    /// Sorted by time; equal times keep arrival order.
    var tail: [Entry] = []
    var minTime: Int64 = .max
    var maxTime: Int64 = .min
    /// Entries ever inserted (with or without input).
    var count: Int = 0

    init(_ function: AggregateFunction) {
        settled = A(function)
        full = A(function)
    }

    mutating func insert(_ e: Entry) {
        var i = tail.count
        while i > 0 && tail[i - 1].time > e.time { i -= 1 }
        if i == tail.count { tail.append(e) } else { tail.insert(e, at: i) }
        if e.present { full.add(e) }
        minTime = min(minTime, e.time)
        maxTime = max(maxTime, e.time)
        count += 1
    }

    /// Aggregate of the entries with time ≤ `t`.
    func value(upTo t: Int64, _ function: AggregateFunction) -> A {
        if maxTime <= t { return full }
        var a = settled
        for e in tail {
            if e.time > t { break }
            if e.present { a.add(e) }
        }
        return a
    }

    /// Aggregate of the entries with time in `[from, t]`; exact only while nothing was settled
    /// (sliding panes never settle: their lower edge may cut anywhere).
    func value(from lo: Int64, upTo t: Int64, _ function: AggregateFunction) -> A {
        if minTime >= lo && maxTime <= t { return full }
        var a = A(function)
        for e in tail {
            if e.time > t { break }
            if e.time >= lo && e.present { a.add(e) }
        }
        return a
    }

    /// Folds raw entries older than `bound` into `settled`.
    mutating func settle(below bound: Int64) {
        guard let first = tail.first, first.time < bound else { return }
        var n = 0
        while n < tail.count && tail[n].time < bound {
            if tail[n].present { settled.add(tail[n]) }
            n += 1
        }
        tail.removeFirst(n)
    }

    /// Absorbs a segment covering a disjoint stretch of time (merging sessions).
    mutating func absorb(_ o: Segment<A>) {
        let otherIsLater = o.minTime > maxTime
        if otherIsLater {
            settled.merge(o.settled)
            full.merge(o.full)
        } else {
            var s = o.settled; s.merge(settled); settled = s
            var f = o.full; f.merge(full); full = f
        }
        // Both settled parts are older than both tails, so the tails simply interleave by time.
        var merged: [Entry] = []
        merged.reserveCapacity(tail.count + o.tail.count)
        var i = 0, j = 0
        while i < tail.count || j < o.tail.count {
            if j == o.tail.count || (i < tail.count && tail[i].time <= o.tail[j].time) {
                merged.append(tail[i]); i += 1
            } else {
                merged.append(o.tail[j]); j += 1
            }
        }
        tail = merged
        minTime = min(minTime, o.minTime)
        maxTime = max(maxTime, o.maxTime)
        count += o.count
    }

    func encode(into w: inout StateWriter) {
        settled.encode(into: &w)
        full.encode(into: &w)
        w.i64(minTime); w.i64(maxTime); w.i64(Int64(count))
        w.u32(UInt32(tail.count))
        for e in tail { e.encode(into: &w) }
    }

    init(decoding r: inout StateReader, _ function: AggregateFunction) throws(FeatureError) {
        settled = try A(decoding: &r, function)
        full = try A(decoding: &r, function)
        minTime = try r.i64(); maxTime = try r.i64(); count = Int(try r.i64())
        let n = try r.count(minSize: 26)
        tail.reserveCapacity(n)
        for _ in 0..<n { tail.append(try Entry(decoding: &r)) }
    }
}
