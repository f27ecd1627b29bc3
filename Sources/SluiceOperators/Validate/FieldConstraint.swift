public import SluiceCore
public import SluiceTopology

/// The checks on one field of a record, from a validate operator's `fields:` or a JSON Schema property.
///
/// ```swift
/// var amount = FieldConstraint(name: "amount", types: [.number], required: true)
/// amount.minimum = .init(0)
/// ```
public struct FieldConstraint: Sendable {
    /// A numeric bound; `exclusive` for JSON Schema's `exclusiveMinimum` / `exclusiveMaximum`.
    public struct Bound: Sendable, Hashable {
        public var value: Double
        public var exclusive: Bool
        public init(_ value: Double, exclusive: Bool = false) {
            self.value = value
            self.exclusive = exclusive
        }
    }

    /// Field name; a dotted name (`user.country`) that is not a top-level field is followed as a path.
    public var name: String
    /// Accepted types; empty = any type. `integer` accepts integral doubles (`3.0`).
    public var types: [FieldType]
    /// A missing field is `MISSING_FIELD` when required; otherwise a missing field is not checked.
    public var required: Bool
    /// Whether an explicit `null` is accepted (then no other check applies to it).
    public var nullable: Bool
    public var minimum: Bound?
    public var maximum: Bound?
    /// Length bounds: characters of a string, elements of an array.
    public var minLength: Int?
    public var maxLength: Int?
    /// A regular expression that must match somewhere in a string (anchor with `^…$`).
    public var pattern: FieldPattern?
    /// Allowed values (`1` equals `1.0`).
    public var allowed: [Value]?
    /// Accepted element types of an array (JSON Schema `items: {type: …}`); empty = any.
    public var itemTypes: [FieldType]

    public init(name: String, types: [FieldType] = [], required: Bool = false, nullable: Bool = false) {
        self.name = name
        self.types = types
        self.required = required
        self.nullable = nullable
        self.itemTypes = []
    }

    /// A topology `fields:` entry; its regex is compiled here, once.
    public init(_ rule: ValidateOperator.FieldRule) throws(OperatorSetupError) {
        self.init(name: rule.name, types: rule.type.map { [$0] } ?? [], required: rule.required, nullable: rule.nullable)
        minimum = rule.min.map { Bound($0) }
        maximum = rule.max.map { Bound($0) }
        minLength = rule.minLength
        maxLength = rule.maxLength
        allowed = rule.allowed
        if let p = rule.pattern { pattern = try FieldPattern(p, field: rule.name, at: rule.location) }
    }
}

/// A compiled regular expression (Swift `Regex` syntax), matched anywhere in the string.
public struct FieldPattern: @unchecked Sendable {
    // Regex values are immutable once built; sharing one between partition tasks is safe.
    let regex: Regex<AnyRegexOutput>
    public let source: String

    public init(_ source: String, field: String, at location: SourceLocation? = nil) throws(OperatorSetupError) {
        do { regex = try Regex(source) } catch {
            throw OperatorSetupError(.pattern, "pattern '\(source)' of field '\(field)' is not a valid regular expression: \(error)",
                                     at: location)
        }
        self.source = source
    }

    public func matches(_ text: String) -> Bool { text.contains(regex) }
}
