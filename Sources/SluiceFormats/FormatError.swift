/// A format could not be configured: bad schema, unknown option, unreadable file.
/// (Per-record failures are `RecordError`s; this is raised once, when a topology is compiled.)
public struct FormatError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case invalidSchema = "INVALID_SCHEMA"
        case invalidOption = "INVALID_OPTION"
        case unreadableFile = "UNREADABLE_FILE"
    }

    public var code: Code
    public var message: String
    /// The schema or configuration file involved, if any.
    public var file: String?

    public init(_ code: Code, _ message: String, file: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
    }

    public var description: String {
        if let file { return "\(code.rawValue) in \(file): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}
