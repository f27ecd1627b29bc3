/// Why a parsed expression does not fit its schema or its functions' signatures.
public struct ExpressionTypeError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A field that the schema does not declare.
        case unknownField = "UNKNOWN_FIELD"
        /// An operand or argument of the wrong type, e.g. `lower(amount)` with a numeric `amount`.
        case typeMismatch = "TYPE_MISMATCH"
        /// A function called with too few or too many arguments.
        case wrongArgumentCount = "WRONG_ARGUMENT_COUNT"
        /// A constant argument that can never work: a bad regex, unsorted bucket edges, `n <= 0`.
        case invalidArgument = "INVALID_ARGUMENT"
        /// `x == null` and friends, which are always null; `is_null(x)` is meant.
        case nullComparison = "NULL_COMPARISON"
    }

    public var code: Code
    /// 0-based character offset of the offending operand, operator or argument.
    public var offset: Int
    public var message: String
    public var hint: String?
    /// The field involved, when there is one.
    public var field: String?

    public init(_ code: Code, at offset: Int, _ message: String, hint: String? = nil, field: String? = nil) {
        self.code = code
        self.offset = offset
        self.message = message
        self.hint = hint
        self.field = field
    }

    public var description: String {
        let base = "\(code.rawValue) at offset \(offset): \(message)"
        return hint.map { "\(base) (\($0))" } ?? base
    }
}
