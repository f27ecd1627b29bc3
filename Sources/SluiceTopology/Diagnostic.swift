public import SluiceCore

/// One finding of the topology compiler, located in the topology file.
///
/// Rendered the way compilers and editors expect:
/// `topologies/x.yaml:12:7: error: unknown key 'inptu' in operator 'score' — did you mean 'input'?`
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a finding is. Only `.error` prevents a topology from being produced.
    public enum Severity: String, Sendable, Hashable, Comparable {
        case note
        case warning
        case error

        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }
    }

    public var severity: Severity
    public var location: SourceLocation
    /// A stable machine-readable code such as `unknown-key` (see `DiagnosticCode`).
    public var code: String
    public var message: String
    /// A suggestion the user can act on (`did you mean 'input'?`), if there is one.
    public var hint: String?

    public init(_ severity: Severity, _ code: String, at location: SourceLocation, _ message: String, hint: String? = nil) {
        self.severity = severity
        self.code = code
        self.location = location
        self.message = message
        self.hint = hint
    }

    public var description: String {
        let base = "\(location): \(severity.rawValue): \(message)"
        guard let hint, !hint.isEmpty else { return base }
        return base + " — " + hint
    }
}

/// The stable codes carried by `Diagnostic.code`. Tools and tests may match on them.
public enum DiagnosticCode {
    public static let yamlSyntax = "yaml-syntax"
    public static let unknownKey = "unknown-key"
    public static let duplicateKey = "duplicate-key"
    public static let missingKey = "missing-key"
    public static let wrongType = "wrong-type"
    public static let invalidValue = "invalid-value"
    public static let unsetVariable = "unset-variable"
    public static let badInterpolation = "bad-interpolation"
    public static let literalSecret = "literal-secret"
    public static let missingSecret = "missing-secret"
    public static let duplicateId = "duplicate-id"
    public static let unknownInput = "unknown-input"
    public static let cycle = "cycle"
    public static let unknownField = "unknown-field"
    public static let expression = "expression"
    public static let model = "model"
    public static let file = "file"
    public static let repartition = "repartition"
    public static let copartition = "copartition"
    public static let residency = "residency"
    public static let sinkConflict = "sink-conflict"
    public static let feedbackLoop = "feedback-loop"
    public static let unused = "unused"
}
