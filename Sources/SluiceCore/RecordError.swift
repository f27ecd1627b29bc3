/// Why a record could not be processed. Carried into the dead-letter topic as headers
/// (`sluice-error-code`, `sluice-error-field`, `sluice-error-message`, ...).
public struct RecordError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case decode = "DECODE"
        case invalidUTF8 = "INVALID_UTF8"
        case missingField = "MISSING_FIELD"
        case wrongType = "WRONG_TYPE"
        case outOfRange = "OUT_OF_RANGE"
        case badLength = "BAD_LENGTH"
        case patternMismatch = "PATTERN_MISMATCH"
        case notInEnum = "NOT_IN_ENUM"
        case ruleFailed = "RULE_FAILED"
        case stale = "STALE"
        case expression = "EXPRESSION"
        case divisionByZero = "DIVISION_BY_ZERO"
        case encode = "ENCODE"
        case inference = "INFERENCE"
        case late = "LATE"
        case duplicate = "DUPLICATE"
        case `internal` = "INTERNAL"
    }

    public var code: Code
    /// The field at fault, if one is.
    public var field: String?
    public var message: String

    public init(_ code: Code, field: String? = nil, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String {
        if let field { return "\(code.rawValue) at '\(field)': \(message)" }
        return "\(code.rawValue): \(message)"
    }
}
