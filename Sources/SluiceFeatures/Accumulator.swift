import SluiceCore

/// A mergeable aggregate state. `add` sees only entries with an input (`present`); `merge` combines
/// the state of a *later or disjoint* stretch of time (panes and sessions merge in time order).
protocol Accumulator {
    /// The form a pane series' raw log keeps this accumulator's entries in: `CompactEntry` unless `add`
    /// reads `Entry.value`.
    associatedtype Stored: StoredEntry = CompactEntry
    init(_ function: AggregateFunction)
    mutating func add(_ e: Entry)
    mutating func merge(_ other: Self)
    /// The feature value as of event time `t` (only decayed and time-since-last use `t`).
    func result(at t: Int64) -> Value
    func encode(into w: inout StateWriter)
    init(decoding r: inout StateReader, _ function: AggregateFunction) throws(FeatureError)
    /// Adds an entry to a pane's `settled` state. Same result as `add`; a type may defer the work
    /// (settled state is read only by partial-pane queries and snapshots).
    mutating func addSettled(_ e: Entry)
    /// Whether adding the same entries in another order (or merging partial states) gives exactly the
    /// same state, so that a pane's `full` state need not be stored: it is its `settled` state plus its
    /// raw entries (true for counts, extremes, sets; false for floating-point sums and sketches).
    static var isOrderInsensitive: Bool { get }
    /// Whether `prefetch(for:)` does anything: state that lives in a buffer of its own (a set) is a cache
    /// miss of its own on every event unless it is fetched ahead.
    static var prefetches: Bool { get }
    /// Starts fetching the memory that adding `e` (to this state, or a deferred entry to a settled one)
    /// will touch. A hint: changes nothing.
    mutating func prefetch(for e: Entry)
    /// Whether this state is bit for bit `other`'s, so that a snapshot may store one and derive the other
    /// (false when a type cannot tell: then both are stored).
    func isIdentical(to other: Self) -> Bool
}

extension Accumulator {
    /// `result(at:)` of a state in a pane, in place: from a non-mutating context the state was copied out
    /// first (reference counting each of its buffers; for a set, ≈ 165 instructions an event).
    @inline(__always) mutating func resultInPlace(at t: Int64) -> Value { result(at: t) }
    func isIdentical(to other: Self) -> Bool { false }
    mutating func addSettled(_ e: Entry) { add(e) }
    static var isOrderInsensitive: Bool { false }
    static var prefetches: Bool { false }
    mutating func prefetch(for e: Entry) {}
}

struct CountAcc: Accumulator {
    static var isOrderInsensitive: Bool { true }
    var n: Int64 = 0
    init(_ function: AggregateFunction) {}
    mutating func add(_ e: Entry) { n += 1 }
    mutating func merge(_ o: CountAcc) { n += o.n }
    func result(at t: Int64) -> Value { .int(n) }
    func encode(into w: inout StateWriter) { w.i64(n) }
    init(decoding r: inout StateReader, _ function: AggregateFunction) throws(FeatureError) { n = try r.i64() }
}

/// sum: a total and a count (the count makes the state the same as mean's).
struct SumAcc: Accumulator {
    var sum: Double = 0
    var n: Int64 = 0
    init(_ function: AggregateFunction) {}
    mutating func add(_ e: Entry) { sum += e.num; n += 1 }
    mutating func merge(_ o: SumAcc) { sum += o.sum; n += o.n }
    func result(at t: Int64) -> Value { .double(sum) }
    func encode(into w: inout StateWriter) { w.f64(sum); w.i64(n) }
    func isIdentical(to o: SumAcc) -> Bool { sum.bitPattern == o.sum.bitPattern && n == o.n }
    init(decoding r: inout StateReader, _ function: AggregateFunction) throws(FeatureError) {
        sum = try r.f64(); n = try r.i64()
    }
}

/// mean: sum's state, read as Σ/n. Σ/n rather than Welford's running mean, so that it is exact whenever the
/// sum is (integer-valued inputs), independent of the order panes were merged in. A type of its own rather
/// than a flag in `SumAcc`, so that the state stays 16 bytes (a pane holds two, and a sliding window's query
/// reads every pane).
struct MeanAcc: Accumulator {
    var total: SumAcc
    init(_ function: AggregateFunction) { total = SumAcc(function) }
    mutating func add(_ e: Entry) { total.add(e) }
    mutating func merge(_ o: MeanAcc) { total.merge(o.total) }
    func result(at t: Int64) -> Value { total.n == 0 ? .null : .double(total.sum / Double(total.n)) }
    func encode(into w: inout StateWriter) { total.encode(into: &w) }
    func isIdentical(to o: MeanAcc) -> Bool { total.isIdentical(to: o.total) }
    init(decoding r: inout StateReader, _ function: AggregateFunction) throws(FeatureError) {
        total = try SumAcc(decoding: &r, function)
    }
}

struct ExtremumAcc: Accumulator {
    static var isOrderInsensitive: Bool { true }
    var v: Double
    var has = false
    let isMax: Bool
    init(_ function: AggregateFunction) {
        isMax = function == .max
        v = isMax ? -.infinity : .infinity
    }
    mutating func add(_ e: Entry) {
        has = true
        v = isMax ? Swift.max(v, e.num) : Swift.min(v, e.num)
    }
    mutating func merge(_ o: ExtremumAcc) {
        guard o.has else { return }
        has = true
        v = isMax ? Swift.max(v, o.v) : Swift.min(v, o.v)
    }
    func result(at t: Int64) -> Value { has ? .double(v) : .null }
    func encode(into w: inout StateWriter) { w.bool(has); w.f64(v) }
    init(decoding r: inout StateReader, _ function: AggregateFunction) throws(FeatureError) {
        self.init(function)
        has = try r.bool(); v = try r.f64()
    }
}

/// `first` / `last`: the input of the earliest / latest event. Ties in event time go to the earlier /
/// later arrival: `add` runs in arrival order within a stretch, and stretches never share a time.
struct EdgeAcc: Accumulator {
    typealias Stored = Entry
    var time: Int64 = 0
    var value: Value = .null
    var has = false
    let isLast: Bool
    init(_ function: AggregateFunction) { isLast = function == .last }
    mutating func add(_ e: Entry) {
        if !has || (isLast ? e.time >= time : e.time < time) {
            time = e.time; value = e.value; has = true
        }
    }
    mutating func merge(_ o: EdgeAcc) {
        guard o.has else { return }
        if !has || (isLast ? o.time >= time : o.time < time) {
            time = o.time; value = o.value; has = true
        }
    }
    func result(at t: Int64) -> Value { value }
    func encode(into w: inout StateWriter) { w.bool(has); w.i64(time); w.value(value) }
    init(decoding r: inout StateReader, _ function: AggregateFunction) throws(FeatureError) {
        self.init(function)
        has = try r.bool(); time = try r.i64(); value = try r.value()
    }
}

/// time_since_last: the latest event time in the window; the engine queries it *before* adding the
/// current event, so the result is the gap to the previous event.
struct LatestAcc: Accumulator {
    static var isOrderInsensitive: Bool { true }
    var latest: Int64 = .min
    init(_ function: AggregateFunction) {}
    mutating func add(_ e: Entry) { latest = Swift.max(latest, e.time) }
    mutating func merge(_ o: LatestAcc) { latest = Swift.max(latest, o.latest) }
    func result(at t: Int64) -> Value { latest == .min ? .null : .int(TimeMath.sub(t, latest)) }
    func encode(into w: inout StateWriter) { w.i64(latest) }
    init(decoding r: inout StateReader, _ function: AggregateFunction) throws(FeatureError) { latest = try r.i64() }
}

struct LastKAcc: Accumulator {
    typealias Stored = Entry
    /// Oldest first; at most `k`.
    var items: [(time: Int64, value: Value)] = []
    let k: Int
    init(_ function: AggregateFunction) {
        if case .lastK(let k) = function { self.k = k } else { k = 1 }
    }
    mutating func add(_ e: Entry) {
        // Stable: after every item with time <= e.time (later arrivals count as later).
        var i = items.count
        while i > 0 && items[i - 1].time > e.time { i -= 1 }
        if items.count == k && i == 0 { return }
        items.insert((e.time, e.value), at: i)
        if items.count > k { items.removeFirst(items.count - k) }
    }
    mutating func merge(_ o: LastKAcc) {
        guard !o.items.isEmpty else { return }
        var all = items + o.items
        if let last = items.last?.time, let first = o.items.first?.time, first < last {
            all = all.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        }
        items = Array(all.suffix(k))
    }
    func result(at t: Int64) -> Value { .array(items.map(\.value)) }
    func encode(into w: inout StateWriter) {
        w.u32(UInt32(items.count))
        for it in items { w.i64(it.time); w.value(it.value) }
    }
    init(decoding r: inout StateReader, _ function: AggregateFunction) throws(FeatureError) {
        self.init(function)
        let n = try r.count(minSize: 9)
        guard n <= k else { throw FeatureError(.corruptState, "last_k state holds more than k items") }
        for _ in 0..<n { items.append((try r.i64(), try r.value())) }
    }
}
