import SluiceCore
@testable import SluiceFeatures

/// Deterministic generator for seeded streams (SplitMix64).
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9e37_79b9_7f4a_7c15 }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
}

/// One generated input event.
struct TestEvent {
    var key: [UInt8]
    var time: Int64
    var record: Record
}

/// A stream of `count` events over `keys` keys: mostly advancing time, with out-of-order events
/// (some far enough back to be late), integer amounts (sometimes null or missing) and merchants.
func makeStream(seed: UInt64, count: Int = 400, keys: Int = 3, step: Int64 = 40, disorder: Int64 = 600) -> [TestEvent] {
    var rng = SeededRandom(seed: seed)
    var now: Int64 = 1_000_000
    var out: [TestEvent] = []
    for i in 0..<count {
        now += rng.int(0...step)
        var t = now
        if rng.chance(0.2) { t = now - rng.int(0...disorder) }
        var f = Fields()
        f.append("id", .int(Int64(i)))
        let roll = rng.int(0...19)
        if roll == 0 {
            f.append("amount", .null)
        } else if roll != 1 {
            let a = rng.int(0...100)
            f.append("amount", rng.chance(0.5) ? .int(a) : .double(Double(a)))
        }
        f.append("merchant", .string("m\(rng.int(0...9))"))
        let key = Array("u\(rng.int(0...Int64(keys - 1)))".utf8)
        out.append(TestEvent(key: key, time: t, record: Record(fields: f, key: key, timestamp: t)))
    }
    return out
}

/// Every aggregate function over `window`, reading `amount` (or `merchant` for distinct/first/last/lastK).
func allAggregates(window: WindowSpec, grace: Int64) -> [AggregateSpec] {
    let amt = FeatureInput.field("amount")
    let m = FeatureInput.field("merchant")
    return [
        AggregateSpec("count", .count, window: window, grace: grace),
        AggregateSpec("count_amount", .count, of: amt, window: window, grace: grace),
        AggregateSpec("sum", .sum, of: amt, window: window, grace: grace),
        AggregateSpec("mean", .mean, of: amt, window: window, grace: grace),
        AggregateSpec("min", .min, of: amt, window: window, grace: grace),
        AggregateSpec("max", .max, of: amt, window: window, grace: grace),
        AggregateSpec("var_pop", .variance(sample: false), of: amt, window: window, grace: grace),
        AggregateSpec("std_sample", .stddev(sample: true), of: amt, window: window, grace: grace),
        AggregateSpec("distinct", .distinct(precision: 12), of: m, window: window, grace: grace),
        AggregateSpec("p90", .quantile(q: 0.9, k: 200), of: amt, window: window, grace: grace),
        AggregateSpec("first", .first, of: m, window: window, grace: grace),
        AggregateSpec("last", .last, of: m, window: window, grace: grace),
        AggregateSpec("since_last", .timeSinceLast, window: window, grace: grace),
        AggregateSpec("dsum", .decayedSum(halfLife: 500), of: amt, window: window, grace: grace),
        AggregateSpec("dmean", .decayedMean(halfLife: 500), of: amt, window: window, grace: grace),
        AggregateSpec("last3", .lastK(3), of: m, window: window, grace: grace),
    ]
}

/// A canonical, exact rendering of an output for equality checks across runs.
func render(_ o: FeatureOutput) -> String {
    switch o {
    case .event(let r): "event \(r.eventTime ?? -1) \(Value.object(r.fields))"
    case .window(let w): "window \(String(decoding: w.key, as: UTF8.self)) \(w.window) [\(w.start),\(w.end)) \(Value.object(w.values))"
    case .late(let r, let e): "late \(r["id"] ?? .null) \(e)"
    case .invalid(let r, let e): "invalid \(r["id"] ?? .null) \(e)"
    }
}

/// Values compare exactly, except doubles that come from floating-point reductions whose order differs
/// between the engine (pane merges) and the reference (one pass): those within 1e-9 relative.
func close(_ a: Value, _ b: Value, tolerant: Bool) -> Bool {
    switch (a, b) {
    case (.double(let x), .double(let y)):
        if x == y { return true }
        guard tolerant else { return false }
        return abs(x - y) <= 1e-9 * max(1, abs(x), abs(y))
    case (.array(let x), .array(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { close($0, $1, tolerant: tolerant) }
    default:
        return a == b
    }
}

let tolerantAggregates: Set<String> = ["var_pop", "std_sample", "dsum", "dmean"]
