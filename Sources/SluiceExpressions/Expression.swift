import SluiceCore

/// A parsed expression of the Sluice expression language (docs/expressions.md).
///
/// ```swift
/// let e = try Expression.parse("log1p(amount) * 2 + if amount > 100 then 1 else 0")
/// let compiled = try e.compile(schema: ["amount": .number])
/// let v = try compiled.evaluate(record, EvaluationContext(now: nowMillis))
/// ```
public struct Expression: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    public let text: String
    /// The syntax tree, with character offsets into `text`.
    public let root: ExpressionNode

    /// The deepest nesting accepted; deeper input is a `TOO_DEEP` syntax error, not a crash.
    public static let maxDepth = Parser.maxDepth

    /// Parses `text`. Errors carry the 0-based character offset of the problem and, where one
    /// exists, a hint such as "did you mean 'log1p'?".
    public static func parse(_ text: String) throws(ExpressionSyntaxError) -> Expression {
        Expression(text: text, root: try Parser.parse(text))
    }

    /// Type-checks against `schema` (field name or dotted path → type) and prepares fast evaluation.
    /// Without a schema every field is `any`, and types are checked when records are evaluated.
    public func compile(schema: [String: ValueType]? = nil) throws(ExpressionTypeError) -> CompiledExpression {
        var compiler = Compiler(schema: schema)
        let compiled = try compiler.compile(root)
        var categories: [Value]?
        if case .call("one_hot", let args) = root.kind, args.count == 2 {
            var categoryCompiler = Compiler(schema: nil)
            if case .array(let items)? = (try? categoryCompiler.compile(args[1]))?.constant { categories = items }
        }
        return CompiledExpression(
            expression: self, resultType: compiled.isNullLiteral ? .any : compiled.type,
            referencedFields: compiler.referencedFields, constantValue: compiled.constant,
            oneHotCategories: categories, evaluator: compiled.eval)
    }

    /// The expression fully parenthesised, showing how precedence grouped it.
    public var description: String { root.description }
}
