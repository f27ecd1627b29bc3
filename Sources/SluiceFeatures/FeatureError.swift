/// Why a features configuration or a stored feature state was rejected.
///
/// Record-level problems (a bad event time, a wrongly typed input, a late record) are reported as
/// `SluiceCore.RecordError` so they flow into dead-letter and late topics like every other operator's.
public struct FeatureError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The aggregate list, a window or a parameter is invalid.
        case invalidConfiguration = "INVALID_CONFIGURATION"
        /// Stored state bytes are truncated, corrupt or of an unknown version.
        case corruptState = "CORRUPT_STATE"
        /// Stored state was written by a different aggregate configuration.
        case incompatibleState = "INCOMPATIBLE_STATE"
    }

    public var code: Code
    public var message: String
    /// Which aggregate, key or byte offset the error concerns.
    public var context: [String: String]

    public init(_ code: Code, _ message: String, context: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String {
        let ctx = context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        return ctx.isEmpty ? "\(code.rawValue): \(message)" : "\(code.rawValue): \(message) (\(ctx))"
    }
}
