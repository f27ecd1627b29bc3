public import SluiceCore

/// An operator, source or sink could not be built from its topology entry: an expression that does
/// not compile, a pattern that is not a regular expression, a schema outside the supported subset,
/// a format that cannot be configured. Raised once, at start-up — never per record.
public struct OperatorSetupError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// An expression's syntax or types are wrong.
        case expression = "EXPRESSION"
        /// A `pattern` is not a valid regular expression.
        case pattern = "PATTERN"
        /// A JSON Schema file is unreadable, not JSON, or uses keywords outside the supported subset.
        case schema = "SCHEMA"
        /// A source or sink format cannot be configured (options, schema files, columns).
        case format = "FORMAT"
    }

    public var code: Code
    public var message: String
    /// Where the offending value was written, when known (topology file, line, column).
    public var location: SourceLocation?

    public init(_ code: Code, _ message: String, at location: SourceLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): \(code.rawValue): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}
