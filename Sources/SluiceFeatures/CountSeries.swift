import SluiceCore

/// The last `n` events of the key with time ≤ the query time. Keeps every entry that a non-late
/// event could still precede, plus the `n` before them.
final class CountSeries<A: Accumulator>: Series {
    static var readsEntryValue: Bool { A.Stored.keepsValue }
    let function: AggregateFunction
    let n: Int
    let grace: Int64
    /// Sorted by time; equal times keep arrival order.
    @exclusivity(unchecked) var entries: [Entry] = []

    init(_ function: AggregateFunction, n: Int, grace: Int64) {
        self.function = function
        self.n = n
        self.grace = grace
    }

    var nextDue: Int64? { nil }

    func insert(_ e: Entry) {
        var i = entries.count
        while i > 0 && entries[i - 1].time > e.time { i -= 1 }
        if i == entries.count { entries.append(e) } else { entries.insert(e, at: i) }
    }

    func value(at t: Int64) -> Value {
        var hi = entries.count
        while hi > 0 && entries[hi - 1].time > t { hi -= 1 }
        var acc = A(function)
        for i in max(0, hi - n)..<hi where entries[i].present { acc.add(entries[i]) }
        return acc.result(at: t)
    }

    func close(watermark: Int64, settleBelow: Int64, emit: Bool) -> [ClosedValue] {
        let bound = max(settleBelow, TimeMath.sub(watermark, grace))
        var older = 0
        while older < entries.count && entries[older].time < bound { older += 1 }
        if older > n { entries.removeFirst(older - n) }
        return []
    }

    func encode(into w: inout StateWriter) {
        w.u32(UInt32(entries.count))
        for e in entries { e.encode(into: &w) }
    }

    func decodeState(from r: inout StateReader) throws(FeatureError) {
        let c = try r.count(minSize: 26)
        entries.reserveCapacity(c)
        for _ in 0..<c { entries.append(try Entry(decoding: &r)) }
    }
}
