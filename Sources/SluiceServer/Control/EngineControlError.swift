/// An error an ``EngineControl`` implementation throws to tell the caller what went wrong and which
/// HTTP status to answer with.
public struct EngineControlError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// An unknown operator, model or version (HTTP 404).
        case notFound = "not_found"
        /// A request the engine cannot act on as given, such as features of the wrong type (HTTP 400).
        case invalidArgument = "invalid_argument"
        /// The request conflicts with the current state, such as a rollback with no previous version (HTTP 409).
        case conflict
        /// The engine cannot serve this now, for example while restoring (HTTP 503).
        case unavailable
        /// A failure inside the engine (HTTP 500).
        case `internal`
    }

    public var code: Code
    /// What happened and what to do about it; returned to the API caller.
    public var message: String
    /// The objects involved (operator, model, version, partition).
    public var context: [String: String]

    public init(_ code: Code, _ message: String, context: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String {
        if context.isEmpty { return "\(code.rawValue): \(message)" }
        let ctx = context.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(code.rawValue): \(message) (\(ctx))"
    }
}
