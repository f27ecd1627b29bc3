public import SluiceCore

/// A type-checked expression ready to evaluate; immutable and safe to share between tasks.
public struct CompiledExpression: Sendable {
    public let expression: Expression
    /// The static type of the result (`any` when it depends on untyped fields).
    public let resultType: ValueType
    /// Every field the expression reads, as written: `amount`, `user.country`.
    public let referencedFields: Set<String>
    /// The value when the expression reads no field and no clock (it was folded at compile time).
    public let constantValue: Value?
    /// For `one_hot(x, [..literal categories..])` at the top level: the categories, so a `map`
    /// can expand the result into `OneHot.fieldNames(target:categories:)`.
    public let oneHotCategories: [Value]?
    let evaluator: Evaluator

    /// Evaluates against one record. Type, domain and arithmetic failures become `RecordError`s
    /// (`WRONG_TYPE` naming the field, `DIVISION_BY_ZERO`, `OUT_OF_RANGE`, `EXPRESSION`).
    public func evaluate(_ record: borrowing Record, _ context: EvaluationContext) throws(RecordError) -> Value {
        try evaluator(record, context)
    }

    /// Evaluates a condition (filter, route, validation rule): null counts as false; a result that
    /// is neither boolean nor null is a `WRONG_TYPE` error.
    public func evaluateBool(_ record: borrowing Record, _ context: EvaluationContext) throws(RecordError) -> Bool {
        switch try evaluator(record, context) {
        case .bool(let b): return b
        case .null: return false
        case let v:
            throw RecordError(.wrongType, "condition '\(expression.text)' gave \(v.typeName) \(v), not a boolean")
        }
    }

    /// The expanded field names when this is a top-level `one_hot` with literal categories.
    public func oneHotFieldNames(target: String) -> [String]? {
        oneHotCategories.map { OneHot.fieldNames(target: target, categories: $0) }
    }
}
