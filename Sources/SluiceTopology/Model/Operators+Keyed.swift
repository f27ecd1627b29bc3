public import SluiceCore

/// The window of an aggregation or a drift check.
public enum Window: Sendable, Hashable {
    case tumbling(sizeMs: Int64)
    case hopping(sizeMs: Int64, everyMs: Int64)
    /// Per event: the last `sizeMs` up to and including the event.
    case sliding(sizeMs: Int64)
    case session(gapMs: Int64)
    /// The last `n` events (`count: n`).
    case count(Int)
    /// No window: since the key was first seen.
    case unbounded

    /// Whether the window has an end that fires (`emit: on_close` needs one).
    public var closes: Bool {
        switch self {
        case .tumbling, .hopping, .session: true
        case .sliding, .count, .unbounded: false
        }
    }
}

/// `type: features` — keyed, windowed aggregations and derived features, point-in-time correct.
public struct FeaturesOperator: Sendable, Hashable {
    public enum Function: String, Sendable, Hashable, CaseIterable {
        case count, sum, mean, min, max, variance, stddev, distinct, quantile, first, last
        case timeSinceLast = "time_since_last", decayedSum = "decayed_sum", decayedMean = "decayed_mean", lastK = "last_k"

        /// Whether the function reads a value (`of`); `count` and `time_since_last` do not.
        public var needsValue: Bool { self != .count && self != .timeSinceLast }
    }

    public struct Aggregate: Sendable, Hashable {
        public var name: String
        public var location: SourceLocation
        public var function: Function
        public var of: Expression?
        /// Quantile in (0, 1) for `quantile`.
        public var q: Double?
        /// How many values `last_k` keeps.
        public var k: Int?
        public var halfLifeMs: Int64?
        /// Sample (n−1) rather than population variance.
        public var sample: Bool
        public var window: Window
        public var graceMs: Int64
    }

    public enum Emit: String, Sendable, Hashable, CaseIterable {
        case perEvent = "per_event", onClose = "on_close", both
    }

    public var common: OperatorCommon
    public var key: Expression
    public var derive: [Assignment]
    public var aggregates: [Aggregate]
    public var emit: Emit
    public var lateTopic: String?
    /// Whether an event's own value is included in the features attached to it.
    public var includeCurrent: Bool
}

/// `type: join` — stream–stream join of `left` and `right` on a key within a time bound.
public struct JoinOperator: Sendable, Hashable {
    public enum Emit: String, Sendable, Hashable, CaseIterable {
        case matched, leftOuter = "left_outer"
    }

    public var common: OperatorCommon
    public var left: StreamRef { common.input }
    public var right: StreamRef
    public var leftKey: Expression
    public var rightKey: Expression
    public var withinMs: Int64
    /// How long unmatched records are kept; defaults to `within`.
    public var ttlMs: Int64
    public var emit: Emit
    /// Repartition of the right input (the left one is `common.repartition`).
    public var rightRepartition: Repartition?
}
