/// Why an expression's text could not be parsed.
///
/// `offset` is the 0-based character offset into the expression text; add it to the
/// location of the YAML scalar (`SourceLocation.advanced(by:)`) to point an editor at it.
public struct ExpressionSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case emptyExpression = "EMPTY_EXPRESSION"
        case unexpectedCharacter = "UNEXPECTED_CHARACTER"
        case unterminatedString = "UNTERMINATED_STRING"
        case invalidEscape = "INVALID_ESCAPE"
        case invalidNumber = "INVALID_NUMBER"
        case invalidDuration = "INVALID_DURATION"
        case unknownFunction = "UNKNOWN_FUNCTION"
        case unbalancedParentheses = "UNBALANCED_PARENTHESES"
        case unexpectedToken = "UNEXPECTED_TOKEN"
        case unexpectedEnd = "UNEXPECTED_END"
        case trailingInput = "TRAILING_INPUT"
        case chainedComparison = "CHAINED_COMPARISON"
        case tooDeep = "TOO_DEEP"
    }

    public var code: Code
    /// 0-based character offset of the offending token.
    public var offset: Int
    public var message: String
    /// A suggested fix, e.g. "did you mean 'log1p'?".
    public var hint: String?

    public init(_ code: Code, at offset: Int, _ message: String, hint: String? = nil) {
        self.code = code
        self.offset = offset
        self.message = message
        self.hint = hint
    }

    public var description: String {
        let base = "\(code.rawValue) at offset \(offset): \(message)"
        return hint.map { "\(base) (\($0))" } ?? base
    }
}
