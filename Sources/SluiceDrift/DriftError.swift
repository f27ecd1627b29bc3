/// A typed error raised by SluiceDrift: a code to switch on, a message a user can act on, and context.
public struct DriftError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, for programmatic handling.
    public enum Code: String, Sendable, Equatable {
        /// The configuration is inconsistent (window size, threshold, detector, unknown test name).
        case invalidConfig
        /// A configured feature is not in the reference profile or the CSV.
        case unknownFeature
        /// A column's type differs between reference and current data.
        case typeMismatch
        /// A file could not be read or written.
        case io
        /// Checkpointed state is truncated, corrupt or from an incompatible profile.
        case corruptState
    }

    public let code: Code
    public let message: String
    /// Free-form key/value context (feature, path, operator, ...).
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
