import SluiceCore

/// The function an aggregate computes over its window.
public enum AggregateFunction: Sendable, Hashable, CustomStringConvertible {
    /// Number of events (or of non-null inputs when an input is given). Empty window: 0.
    case count
    /// Σ input. Empty: 0.
    case sum
    /// Σ input / n. Empty: null.
    case mean
    case min
    case max
    /// Welford variance; `sample` divides by n − 1 (null below 2 values), otherwise by n.
    case variance(sample: Bool)
    case stddev(sample: Bool)
    /// Approximate distinct count: exact while there are at most max(64, 2^precision / 8) distinct values
    /// (a sorted set of 64-bit hashes, no larger than the sketch), then HyperLogLog with 2^precision
    /// registers (relative standard error 1.04 / √(2^precision); precision 4...18).
    case distinct(precision: Int)
    /// Approximate `q`-quantile (lower: the smallest value whose rank fraction reaches q): exact up to
    /// `k` values, then a KLL sketch (normalised rank error ≈ 2.3 / k^0.97 at 99 % confidence).
    case quantile(q: Double, k: Int)
    /// Input of the earliest / latest event (ties: first / last to arrive).
    case first
    case last
    /// Milliseconds between the previous event of the key (time ≤ current) and the current event.
    case timeSinceLast
    /// Σ input · 2^(−age / halfLife), age = query time − event time, in ms.
    case decayedSum(halfLife: Int64)
    /// Decayed Σ input·w / Σ w with the same weights.
    case decayedMean(halfLife: Int64)
    /// The inputs of the latest `k` events, oldest first.
    case lastK(Int)

    public var description: String {
        switch self {
        case .count: "count"
        case .sum: "sum"
        case .mean: "mean"
        case .min: "min"
        case .max: "max"
        case .variance(let s): s ? "variance(sample)" : "variance(population)"
        case .stddev(let s): s ? "stddev(sample)" : "stddev(population)"
        case .distinct(let p): "distinct(p=\(p))"
        case .quantile(let q, let k): "quantile(q=\(q),k=\(k))"
        case .first: "first"
        case .last: "last"
        case .timeSinceLast: "time_since_last"
        case .decayedSum(let h): "decayed_sum(half_life=\(h)ms)"
        case .decayedMean(let h): "decayed_mean(half_life=\(h)ms)"
        case .lastK(let k): "last_k(\(k))"
        }
    }

    /// Whether the input must be numeric (other inputs are any non-null value).
    var numericInput: Bool {
        switch self {
        case .sum, .mean, .min, .max, .variance, .stddev, .quantile, .decayedSum, .decayedMean: true
        case .count, .distinct, .first, .last, .timeSinceLast, .lastK: false
        }
    }

    /// Whether the aggregate keeps its input value itself (`Entry.value`); every other function's entries hold
    /// `.null` there (see `Entry.make`).
    var keepsInputValue: Bool {
        switch self {
        case .first, .last, .lastK: true
        default: false
        }
    }

    /// Whether the aggregate can run without an input (it then sees every event).
    var inputOptional: Bool {
        switch self {
        case .count, .timeSinceLast: true
        default: false
        }
    }
}

/// Where an aggregate reads its input.
public enum FeatureInput: Sendable, CustomStringConvertible {
    /// No input: the aggregate sees every event (count, time_since_last).
    case none
    /// A field, or a dotted path into nested objects.
    case field(String)
    /// Any computation over the record; `nil` or `.null` means "no value for this event".
    case custom(name: String, @Sendable (Record) -> Value?)

    public var description: String {
        switch self {
        case .none: "-"
        case .field(let f): "field:\(f)"
        case .custom(let n, _): "custom:\(n)"
        }
    }
}

/// One named feature: `function` of `input` over `window`.
///
/// ```swift
/// AggregateSpec("amount_mean_1h", .mean, of: .field("amount"), window: .sliding(3_600_000))
/// ```
public struct AggregateSpec: Sendable {
    public var name: String
    public var function: AggregateFunction
    public var input: FeatureInput
    public var window: WindowSpec
    /// How long after a window's end records may still update it (ms, ≥ 0).
    public var grace: Int64

    public init(_ name: String, _ function: AggregateFunction, of input: FeatureInput = .none,
                window: WindowSpec, grace: Int64 = 0) {
        self.name = name
        self.function = function
        self.input = input
        self.window = window
        self.grace = grace
    }

    func validate() throws(FeatureError) {
        func bad(_ m: String) -> FeatureError {
            FeatureError(.invalidConfiguration, m, context: ["aggregate": name, "function": function.description])
        }
        if name.isEmpty { throw bad("an aggregate needs a name") }
        if grace < 0 { throw bad("grace must not be negative") }
        try window.validate(aggregate: name)
        if case .none = input, !function.inputOptional { throw bad("\(function) needs an input field") }
        switch function {
        case .distinct(let p): if !(4...18).contains(p) { throw bad("distinct precision must be in 4...18") }
        case .quantile(let q, let k):
            if !(0...1).contains(q) { throw bad("quantile q must be in 0...1") }
            if !(8...65_535).contains(k) { throw bad("quantile k must be in 8...65535") }
        case .decayedSum(let h), .decayedMean(let h): if h <= 0 { throw bad("half-life must be positive") }
        case .lastK(let k): if k <= 0 { throw bad("last_k needs k > 0") }
        default: break
        }
    }
}
