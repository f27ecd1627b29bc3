import SluiceCore
import SluiceExpressions
import SluiceTopology

/// Compiles a topology expression with the real expression compiler, turning syntax and type errors
/// into `OperatorSetupError`s that point at the column inside the expression.
enum ExpressionCompilation {
    static func compile(_ e: SluiceTopology.Expression, _ context: String) throws(OperatorSetupError) -> CompiledExpression {
        try compile(e.text, at: e.location, context)
    }

    static func compile(_ text: String, at location: SourceLocation?, _ context: String) throws(OperatorSetupError)
        -> CompiledExpression
    {
        let parsed: SluiceExpressions.Expression
        do { parsed = try SluiceExpressions.Expression.parse(text) } catch {
            throw OperatorSetupError(
                .expression, "\(error.message) in expression '\(text)' of \(context)" + (error.hint.map { " (\($0))" } ?? ""),
                at: location?.advanced(by: error.offset))
        }
        do { return try parsed.compile(schema: nil) } catch {
            throw OperatorSetupError(
                .expression, "\(error.message) in expression '\(text)' of \(context)" + (error.hint.map { " (\($0))" } ?? ""),
                at: location?.advanced(by: error.offset))
        }
    }
}
