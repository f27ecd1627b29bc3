public import SluiceCore

/// `type: validate` — type, range, pattern and rule checks; invalid records go to the dead-letter topic.
public struct ValidateOperator: Sendable, Hashable {
    public struct FieldRule: Sendable, Hashable {
        public var name: String
        public var location: SourceLocation
        public var type: FieldType?
        public var required: Bool
        public var nullable: Bool
        public var min: Double?
        public var max: Double?
        public var minLength: Int?
        public var maxLength: Int?
        public var pattern: String?
        public var allowed: [Value]?
    }

    public enum AdditionalFields: String, Sendable, Hashable, CaseIterable { case keep, drop }

    public var common: OperatorCommon
    public var fields: [FieldRule]
    /// JSON Schema file (absolute), checked in addition to `fields`.
    public var schemaFile: String?
    /// Boolean expressions every record must satisfy.
    public var rules: [Expression]
    /// Records whose event time is older than this (relative to processing time) are stale.
    public var freshnessMaxAgeMs: Int64?
    public var deadLetter: String?
    /// `drop` removes fields not declared in `fields`/`schema_file`.
    public var additionalFields: AdditionalFields
}

/// `type: map` — compute (`set`/`derive`), then `drop`, then `keep` fields.
public struct MapOperator: Sendable, Hashable {
    public var common: OperatorCommon
    /// Evaluated in order; later assignments see earlier ones.
    public var assignments: [Assignment]
    public var drop: [Located<String>]
    /// When present, only these fields survive.
    public var keep: [Located<String>]?
}

/// `type: filter` — keep records for which `where` is true.
public struct FilterOperator: Sendable, Hashable {
    public var common: OperatorCommon
    public var condition: Expression
}

/// `type: route` — send each record to the first branch whose condition holds, else to `default`.
public struct RouteOperator: Sendable, Hashable {
    public struct Branch: Sendable, Hashable {
        public var name: String
        public var condition: Expression
    }

    public var common: OperatorCommon
    public var branches: [Branch]
    public var defaultBranch: String

    /// Every branch name downstream operators may reference as `<id>.<name>`.
    public var outputNames: [String] { branches.map(\.name) + (branches.contains { $0.name == defaultBranch } ? [] : [defaultBranch]) }
}

/// `type: dedupe` — drop records whose identity (`by`) was already seen within `ttl` (per key).
public struct DedupeOperator: Sendable, Hashable {
    public var common: OperatorCommon
    /// Partitioning key; `nil` = the identity itself is the key.
    public var key: Expression?
    /// The record identity (`by:`; named so because `id` is the operator's own id).
    public var by: Expression
    public var ttlMs: Int64

    public var effectiveKey: Expression { key ?? by }
}
