public import SluiceCore
public import SluiceExpressions
public import SluiceTopology

/// The `validate` operator: field constraints (types, required, nullable, ranges, lengths, patterns,
/// enums), an optional JSON Schema subset, cross-field rules and freshness. Valid records continue
/// (optionally stripped of undeclared fields); invalid ones become dead letters.
///
/// Every check runs on every record; the **first** violation (in the order: `fields:` entries, schema
/// properties, undeclared fields, rules, freshness) is the dead letter's code and field, and its
/// message ends with how many more violations were found and which (`(2 more violations: currency
/// NOT_IN_ENUM; rule 'discount <= amount' RULE_FAILED)`), so one round trip fixes a producer.
///
/// ```swift
/// let stage = try ValidateStage(validateOperator)       // from the compiled topology
/// stage.process(batch, from: .main, context: context, into: &output)
/// ```
public final class ValidateStage: StreamOperator {
    public let id: String
    /// `fields:` constraints followed by the schema file's.
    public var constraints: [FieldConstraint] { checks.map(\.constraint) }
    /// The constraints boxed: reading one per record is a single retain, not a copy of its strings and arrays.
    private let checks: [ConstraintCheck]
    /// `checks` without ownership (`checks` keeps them alive), as `MapStage` holds its steps: the per-record loop
    /// then retains and releases no check (a retain and a release per check and record before).
    private let unretainedChecks: [Unmanaged<ConstraintCheck>]
    /// Rule texts with their compiled expressions, in order.
    let rules: [(text: String, expression: CompiledExpression, fields: [String])]
    /// Records whose event time (or Kafka timestamp) is older than now − this are `STALE`.
    public let maxAgeMs: Int64?
    /// Top-level names a schema with `additionalProperties: false` allows; `nil` = no such restriction.
    let closedNames: Set<String>?
    /// Names kept by `additional_fields: drop`; `nil` = keep everything.
    let keptNames: Set<String>?
    public private(set) var counters = StageCounters()

    /// Builds the stage from a compiled topology's validate operator, loading its `schema_file`.
    public convenience init(_ op: ValidateOperator) throws(OperatorSetupError) {
        var constraints: [FieldConstraint] = []
        for rule in op.fields { constraints.append(try FieldConstraint(rule)) }
        let schema = try op.schemaFile.map { (path) throws(OperatorSetupError) in try JSONSchemaSubset.load(path: path) }
        var rules: [(String, CompiledExpression)] = []
        for r in op.rules {
            rules.append((r.text, try ExpressionCompilation.compile(r, "rule of validate operator '\(op.common.id)'")))
        }
        try self.init(id: op.common.id, constraints: constraints, schema: schema, rules: rules, maxAgeMs: op.freshnessMaxAgeMs,
                      additionalFields: op.additionalFields)
    }

    /// Builds the stage from parts (tests, tools, other front ends).
    public init(
        id: String, constraints: [FieldConstraint], schema: JSONSchemaSubset? = nil,
        rules: [(text: String, expression: CompiledExpression)] = [], maxAgeMs: Int64? = nil,
        additionalFields: ValidateOperator.AdditionalFields = .keep
    ) throws(OperatorSetupError) {
        self.id = id
        checks = (constraints + (schema?.constraints ?? [])).map(ConstraintCheck.init)
        unretainedChecks = checks.map { Unmanaged.passUnretained($0) }
        self.rules = rules.map { ($0.text, $0.expression, $0.expression.referencedFields.sorted()) }
        self.maxAgeMs = maxAgeMs
        if let schema, !schema.additionalProperties {
            closedNames = Set(schema.propertyNames.map(Self.topLevel))
        } else {
            closedNames = nil
        }
        keptNames = additionalFields == .drop ? Set(checks.map { Self.topLevel($0.constraint.name) }) : nil
    }

    static func topLevel(_ name: String) -> String {
        guard let dot = name.firstIndex(of: ".") else { return name }
        return String(name[..<dot])
    }

    public func process(_ batch: [Record], from side: InputSide, context: OperatorContext, into output: inout OperatorOutput) {
        let evaluation = EvaluationContext(now: context.processingTime)
        counters.records += batch.count
        for record in batch {
            if let error = validate(record, evaluation) {
                counters.deadLettered += 1
                output.deadLetter(record, error)
            } else if let keptNames {
                var copy = record
                copy.fields.removeAll { !keptNames.contains($0.name) }
                counters.emitted += 1
                output.emit(copy)
            } else {
                counters.emitted += 1
                output.emit(record)
            }
        }
    }

    /// `process` moving each record from the batch to the output (no copy and no reference counting per record).
    public func process(owned batch: inout [Record], from side: InputSide, context: OperatorContext, into output: inout OperatorOutput) {
        let evaluation = EvaluationContext(now: context.processingTime)
        counters.records += batch.count
        for i in batch.indices {
            var record = batch.takeRecord(at: i)
            if let error = validate(record, evaluation) {
                counters.deadLettered += 1
                output.deadLetter(consume record, error)
                continue
            }
            if let keptNames { record.fields.removeAll { !keptNames.contains($0.name) } }
            counters.emitted += 1
            output.emit(consume record)
        }
    }

    /// The dead-letter reason for `record`, or `nil` when it is valid.
    public func validate(_ record: Record, _ context: EvaluationContext) -> RecordError? {
        var violations = Violations()
        for i in unretainedChecks.indices {
            let e = unretainedChecks[i]._withUnsafeGuaranteedRef { c in c.violation(in: record.fields) }
            if let e { violations.add(e, label: checks[i].constraint.name) }
        }
        if let closedNames {
            for f in record.fields.storage where !closedNames.contains(f.name) {
                violations.add(RecordError(.wrongType, field: f.name, "\(f.name): field is not declared in the schema, "
                    + "which sets additionalProperties: false"), label: f.name)
            }
        }
        for rule in rules {
            if let e = check(rule, record, context) { violations.add(e, label: "rule '\(rule.text)'") }
        }
        if let maxAgeMs {
            let eventTime = record.eventTime ?? record.timestamp
            let age = context.now - eventTime
            if age > maxAgeMs {
                violations.add(RecordError(.stale, "event time \(TimeText.iso8601(eventTime)) is \(TimeText.duration(age)) old, "
                    + "older than the freshness max_age \(TimeText.duration(maxAgeMs))"), label: "freshness")
            }
        }
        return violations.reason
    }

    private func check(_ rule: (text: String, expression: CompiledExpression, fields: [String]), _ record: Record,
                       _ context: EvaluationContext) -> RecordError?
    {
        let field = rule.fields.count == 1 ? rule.fields[0] : nil
        let result: Value
        do { result = try rule.expression.evaluate(record, context) } catch {
            return RecordError(error.code, field: error.field ?? field, "rule '\(rule.text)': \(error.message)")
        }
        switch result {
        case .bool(true): return nil
        case .bool(false):
            return RecordError(.ruleFailed, field: field, "rule '\(rule.text)' is false" + inputs(rule.fields, record))
        case .null:
            return RecordError(.ruleFailed, field: field, "rule '\(rule.text)' is null because a field it reads is missing or null"
                + inputs(rule.fields, record))
        default:
            return RecordError(.wrongType, field: field, "rule '\(rule.text)' gave \(result.typeName) \(Rendering.value(result)), "
                + "not a boolean")
        }
    }

    /// ` (discount = 50, amount = 10)`: the values the rule read, so the message is actionable.
    private func inputs(_ names: [String], _ record: Record) -> String {
        guard !names.isEmpty else { return "" }
        let shown = names.map { "\($0) = \(Rendering.value(record.fields.value(atPath: $0) ?? .null, limit: 30))" }
        return " (" + shown.joined(separator: ", ") + ")"
    }
}

/// Collects violations: the first is the reason, the rest are summarised in its message.
struct Violations {
    private var first: RecordError?
    private var others: [String] = []
    private var otherCount = 0

    mutating func add(_ error: RecordError, label: String) {
        guard first != nil else {
            first = error
            return
        }
        otherCount += 1
        if others.count < 5 { others.append("\(label) \(error.code.rawValue)") }
    }

    var reason: RecordError? {
        guard var error = first else { return nil }
        if otherCount > 0 {
            let more = otherCount > others.count ? "; …" : ""
            error.message += " (\(otherCount) more violation\(otherCount == 1 ? "" : "s"): \(others.joined(separator: "; "))\(more))"
        }
        return error
    }
}

/// One constraint behind a reference, with what the common checks need unpacked into plain values: a valid
/// field passes `passes` without copying the constraint or building anything; only a field that may fail
/// goes through `FieldConstraint.check`, which finds the exact violation and words it.
final class ConstraintCheck {
    let constraint: FieldConstraint
    private let name: String
    private let position: FieldPosition
    private let required: Bool
    private let nullable: Bool
    private let minimum: FieldConstraint.Bound?
    private let maximum: FieldConstraint.Bound?
    /// The `Value` cases the declared types accept outright, a bit each (`kindBit`); all when none is declared.
    private let acceptedKinds: UInt8
    /// `integer` accepted without `number`: a double passes when it is integral (the full check's rule).
    private let integralDoubles: Bool
    /// An enum of strings only (compared exactly); a mixed enum takes the full check.
    private let allowedStrings: [String]?
    /// Checks `passes` leaves to the full check: dotted paths, patterns, lengths, array items, mixed enums.
    private let alwaysFull: Bool

    init(_ constraint: FieldConstraint) {
        self.constraint = constraint
        name = constraint.name
        position = FieldPosition(constraint.name)
        acceptedKinds = constraint.types.isEmpty ? 0xFF : constraint.types.reduce(0) { $0 | Self.kinds(accepted: $1) }
        integralDoubles = constraint.types.contains(.integer) && !constraint.types.contains(.number)
        required = constraint.required
        nullable = constraint.nullable
        minimum = constraint.minimum
        maximum = constraint.maximum
        let strings = constraint.allowed?.compactMap(\.asString)
        allowedStrings = strings?.count == constraint.allowed?.count ? strings : nil
        alwaysFull = constraint.name.contains(".") || constraint.pattern != nil || constraint.minLength != nil
            || constraint.maxLength != nil || !constraint.itemTypes.isEmpty || (constraint.allowed != nil && allowedStrings == nil)
    }

    /// `nil` when the field is valid, else the first problem found for it.
    @inline(__always) func violation(in fields: Fields) -> RecordError? {
        passes(fields) ? nil : constraint.check(fields)
    }

    /// A bit per `Value` case.
    @inline(__always) private static func kindBit(_ value: Value) -> UInt8 {
        switch value {
        case .null: 1
        case .bool: 2
        case .int: 4
        case .double: 8
        case .string: 16
        case .array: 32
        case .object: 64
        }
    }

    /// The `Value` cases a declared type accepts outright (`FieldConstraint.value(_:is:)`; integral doubles for
    /// `integer` are `integralDoubles`).
    private static func kinds(accepted type: FieldType) -> UInt8 {
        switch type {
        case .string: 16
        case .boolean: 2
        case .number: 4 | 8
        case .integer: 4
        case .array: 32
        case .object: 64
        }
    }

    /// Whether the field certainly satisfies the constraint (false: it may not; the full check decides).
    @inline(__always) private func passes(_ fields: Fields) -> Bool {
        if alwaysFull { return false }
        guard let i = position.index(in: fields) else { return !required }
        return fields.storage.withUnsafeBufferPointer { storage in
            // Read in place: a copy of the value was an outlined copy and destroy per field and record.
            let field = storage.baseAddress! + i
            let kind = Self.kindBit(field.pointee.value)
            if kind == 1 { return nullable }  // null
            // A mask rather than `FieldConstraint.value(_:is:)` per type: the optimizer evaluated that one's
            // `rounded()` for every value (a libm call per field and record), whatever its case.
            if acceptedKinds & kind == 0 {
                guard integralDoubles, case .double(let d) = field.pointee.value, d.isFinite, d.rounded() == d else { return false }
            }
            if let allowedStrings {
                guard case .string(let s) = field.pointee.value, allowedStrings.contains(s) else { return false }
            }
            if minimum != nil || maximum != nil {
                let x: Double
                switch field.pointee.value {
                case .int(let n): x = Double(n)
                case .double(let d): x = d
                default: return false
                }
                if let lo = minimum, lo.exclusive ? !(x > lo.value) : !(x >= lo.value) { return false }
                if let hi = maximum, hi.exclusive ? !(x < hi.value) : !(x <= hi.value) { return false }
            }
            return true
        }
    }
}
