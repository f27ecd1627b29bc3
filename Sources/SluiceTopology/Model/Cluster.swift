public import SluiceCore

/// `cluster:` (and a sink's own `cluster:`) — how to reach Kafka.
public struct ClusterConfig: Sendable, Hashable {
    public enum Bootstrap: Sendable, Hashable {
        /// The in-process development broker (librdkafka's mock cluster).
        case embedded
        /// `host:port` servers.
        case servers([String])
    }

    public var bootstrap: Bootstrap
    public var region: String?
    /// Where `region` was written, for residency diagnostics.
    public var regionLocation: SourceLocation?
    /// Where the cluster mapping starts.
    public var location: SourceLocation
    /// Passed to librdkafka unchanged (`compression.type: zstd`).
    public var properties: [String: String]
    public var security: SecurityConfig?
}

/// `cluster.security:` — TLS and SASL settings; secrets only by reference.
public struct SecurityConfig: Sendable, Hashable {
    public enum SecurityProtocol: String, Sendable, Hashable, CaseIterable {
        case plaintext = "PLAINTEXT", ssl = "SSL", saslPlaintext = "SASL_PLAINTEXT", saslSSL = "SASL_SSL"
        public var usesSASL: Bool { self == .saslPlaintext || self == .saslSSL }
    }

    public enum SASLMechanism: String, Sendable, Hashable, CaseIterable {
        case plain = "PLAIN", scramSHA256 = "SCRAM-SHA-256", scramSHA512 = "SCRAM-SHA-512", oauthbearer = "OAUTHBEARER", gssapi = "GSSAPI"
    }

    /// `security.oauthbearer:` — OIDC client-credentials settings for SASL/OAUTHBEARER.
    public struct OAuthBearer: Sendable, Hashable {
        public var tokenEndpointURL: String
        public var clientID: String
        public var clientSecret: SecretRef
        public var scope: String?
        public var extensions: [String: String]
    }

    public var `protocol`: SecurityProtocol
    public var saslMechanism: SASLMechanism?
    public var username: String?
    public var password: SecretRef?
    /// Absolute paths.
    public var sslCAFile: String?
    public var sslCertFile: String?
    public var sslKeyFile: String?
    public var sslKeyPassword: SecretRef?
    public var oauthbearer: OAuthBearer?
}
