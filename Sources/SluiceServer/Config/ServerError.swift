/// A problem starting or configuring the HTTP server: bad configuration, unreadable tokens file,
/// audit log or TLS files.
public struct ServerError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case invalidConfiguration = "invalid_configuration"
        case tokensFile = "tokens_file"
        case auditLog = "audit_log"
        case tls
    }

    public var code: Code
    /// What is wrong and how to fix it.
    public var message: String
    /// The file, key or value involved.
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
