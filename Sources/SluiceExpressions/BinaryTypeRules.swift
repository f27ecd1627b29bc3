import SluiceCore

/// Static typing of arithmetic and comparison operators.
enum BinaryTypeRules {
    static func resultType(_ op: BinaryOperator, _ l: CompiledNode, _ r: CompiledNode, _ node: ExpressionNode)
        throws(ExpressionTypeError) -> ValueType
    {
        if op.isComparison { return try comparison(op, l, r, node) }
        let (a, b) = (l.type, r.type)
        if l.isNullLiteral || r.isNullLiteral { return .number }  // always null at run time; harmless
        if op == .add {
            if a == .string && (b == .string || b == .any) || b == .string && a == .any { return .string }
            if a == .any && b == .any { return .any }
        }
        guard a.isNumericOrAny && b.isNumericOrAny else {
            throw mismatch(op, l, r, node)
        }
        switch op {
        case .divide: return .number
        default: return (a == .integer && b == .integer) ? .integer : .number
        }
    }

    private static func mismatch(_ op: BinaryOperator, _ l: CompiledNode, _ r: CompiledNode, _ node: ExpressionNode)
        -> ExpressionTypeError
    {
        let (a, b) = (l.type, r.type)
        let culprit = a.isNumericOrAny ? r : l
        var hint: String?
        if op == .add && (a == .string || b == .string) {
            hint = "use concat(a, b) to join text, or to_number(s) to add a number held as text"
        } else if a == .string || b == .string {
            hint = "convert text with to_number(s)"
        }
        let verb = op == .add ? "add" : "apply '\(op.rawValue)' to"
        return ExpressionTypeError(
            .typeMismatch, at: node.anchor, "cannot \(verb) \(a.article) and \(b.article)", hint: hint, field: culprit.field)
    }

    private static func comparison(_ op: BinaryOperator, _ l: CompiledNode, _ r: CompiledNode, _ node: ExpressionNode)
        throws(ExpressionTypeError) -> ValueType
    {
        if l.isNullLiteral || r.isNullLiteral {
            let other = l.isNullLiteral ? r : l
            let x = other.field ?? "x"
            throw ExpressionTypeError(
                .nullComparison, at: node.anchor, "comparing with null always gives null",
                hint: op == .notEqual ? "write not is_null(\(x))" : "write is_null(\(x))", field: other.field)
        }
        let (a, b) = (l.type, r.type)
        if a == .any || b == .any { return .boolean }
        let equality = op == .equal || op == .notEqual
        if a.isNumeric && b.isNumeric { return .boolean }
        if a == b && (equality || a == .string) { return .boolean }
        let culprit = a.isNumeric || a == .string ? r : l
        let hint: String? = (a == .string && b.isNumeric) || (b == .string && a.isNumeric) ? "convert text with to_number(s)" : nil
        let message = equality
            ? "\(a.article) is never equal to \(b.article)" : "cannot order \(a.article) and \(b.article) with '\(op.rawValue)'"
        throw ExpressionTypeError(.typeMismatch, at: node.anchor, message, hint: hint, field: culprit.field)
    }
}
