/// A typed error raised by SluiceStats: a code to switch on, a message a user can act on, and context.
public struct StatsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, for programmatic handling.
    public enum Code: String, Sendable, Equatable {
        case emptySample
        case invalidParameter
        case unknownParameter
        case unknownDetector
        case lengthMismatch
        case corruptEncoding
        case unsupportedVersion
        case invalidCSV
        case unknownFeature
    }

    public let code: Code
    public let message: String
    /// Free-form key/value context (parameter name, feature, byte offset, ...).
    public let context: [String: String]

    public init(_ code: Code, _ message: String, context: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String {
        if context.isEmpty { return "\(code.rawValue): \(message)" }
        let ctx = context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        return "\(code.rawValue): \(message) [\(ctx)]"
    }
}
