public import SluiceCore

/// The operator kinds of the topology language.
public enum OperatorKind: String, Sendable, Hashable, CaseIterable {
    case validate, map, filter, route, dedupe, features, infer, join, drift
}

/// A repartition the compiler inserted because a keyed operator's input is not partitioned by its key:
/// the engine re-keys records by `key` and routes them through `topic`.
public struct Repartition: Sendable, Hashable {
    /// `<application_id>-<operator>-repartition` (join: `-left-` / `-right-repartition`).
    public var topic: String
    public var key: Expression
}

/// One entry of `operators:`, typed by its kind.
public enum Operator: Sendable, Hashable {
    case validate(ValidateOperator)
    case map(MapOperator)
    case filter(FilterOperator)
    case route(RouteOperator)
    case dedupe(DedupeOperator)
    case features(FeaturesOperator)
    case infer(InferOperator)
    case join(JoinOperator)
    case drift(DriftOperator)

    public var common: OperatorCommon {
        switch self {
        case .validate(let o): o.common
        case .map(let o): o.common
        case .filter(let o): o.common
        case .route(let o): o.common
        case .dedupe(let o): o.common
        case .features(let o): o.common
        case .infer(let o): o.common
        case .join(let o): o.common
        case .drift(let o): o.common
        }
    }

    public var id: String { common.id }
    public var location: SourceLocation { common.location }
    public var kind: OperatorKind {
        switch self {
        case .validate: .validate
        case .map: .map
        case .filter: .filter
        case .route: .route
        case .dedupe: .dedupe
        case .features: .features
        case .infer: .infer
        case .join: .join
        case .drift: .drift
        }
    }

    /// Every stream the operator reads: `input`, or `left` and `right`, plus drift's `performance.from`.
    public var inputs: [StreamRef] {
        switch self {
        case .join(let j): [j.left, j.right]
        case .drift(let d): [d.common.input] + (d.performance.map { [$0.from] } ?? [])
        default: [common.input]
        }
    }

    /// Topics the operator writes besides its output stream (dead letters, late records, reports…).
    public var sideOutputTopics: [String] {
        switch self {
        case .validate(let v): v.deadLetter.map { [$0] } ?? []
        case .features(let f): f.lateTopic.map { [$0] } ?? []
        case .infer(let i): i.rollout?.shadowTopic.map { [$0] } ?? []
        case .drift(let d): [d.reportTopic].compactMap { $0 } + (d.onDrift?.publishTopic.map { [$0] } ?? [])
        default: []
        }
    }
}

/// What every operator has: its id, location and main input.
public struct OperatorCommon: Sendable, Hashable {
    public var id: String
    public var location: SourceLocation
    /// The main input (`left` for a join).
    public var input: StreamRef
    /// Set by the compiler when the input must be re-keyed first (keyed operators only).
    public var repartition: Repartition?
}

/// `name: expression` — a field computed by `map` or `features.derive`.
public struct Assignment: Sendable, Hashable {
    public var field: String
    public var expression: Expression
}
