import Foundation

/// Settings of the HTTP server: the `server:` section of a topology file.
///
/// ```yaml
/// server:
///   address: 0.0.0.0
///   port: 8080
///   tokens_file: secrets/tokens.yaml
///   audit_log: /var/lib/sluice/audit.jsonl
///   metrics_token_sha256: 9f86d081...   # optional: require a bearer token on /metrics
///   tls:
///     cert_file: tls/server.crt
///     key_file: tls/server.key
/// ```
/// Unknown keys are rejected so that a typo does not silently disable a setting.
public struct ServerConfiguration: Codable, Sendable, Hashable {
    /// TLS certificate chain and private key, PEM files.
    public struct TLS: Codable, Sendable, Hashable {
        public var certFile: String
        public var keyFile: String

        public init(certFile: String, keyFile: String) {
            self.certFile = certFile
            self.keyFile = keyFile
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case certFile = "cert_file"
            case keyFile = "key_file"
        }

        public init(from decoder: any Decoder) throws {
            try ServerConfiguration.rejectUnknownKeys(decoder, allowed: CodingKeys.allCases.map(\.rawValue), section: "server.tls")
            let c = try decoder.container(keyedBy: CodingKeys.self)
            certFile = try c.decode(String.self, forKey: .certFile)
            keyFile = try c.decode(String.self, forKey: .keyFile)
        }
    }

    public static let defaultPort = 8080

    /// Interface to listen on. Defaults to loopback; use `0.0.0.0` in a container.
    public var address: String
    public var port: Int
    /// The tokens file (YAML or JSON). Without one, every admin API call is refused with 401.
    public var tokensFile: String?
    /// Append-only JSON-lines file recording every mutating admin call.
    public var auditLog: String
    /// When set, `/metrics` requires `Authorization: Bearer <token>` whose SHA-256 is this hex string.
    public var metricsTokenSHA256: String?
    public var tls: TLS?

    public init(
        address: String = "127.0.0.1", port: Int = ServerConfiguration.defaultPort, tokensFile: String? = nil,
        auditLog: String = "sluice-audit.jsonl", metricsTokenSHA256: String? = nil, tls: TLS? = nil
    ) {
        self.address = address
        self.port = port
        self.tokensFile = tokensFile
        self.auditLog = auditLog
        self.metricsTokenSHA256 = metricsTokenSHA256
        self.tls = tls
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case address
        case port
        case tokensFile = "tokens_file"
        case auditLog = "audit_log"
        case metricsTokenSHA256 = "metrics_token_sha256"
        case tls
    }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, allowed: CodingKeys.allCases.map(\.rawValue), section: "server")
        let defaults = ServerConfiguration()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        address = try c.decodeIfPresent(String.self, forKey: .address) ?? defaults.address
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? defaults.port
        tokensFile = try c.decodeIfPresent(String.self, forKey: .tokensFile)
        auditLog = try c.decodeIfPresent(String.self, forKey: .auditLog) ?? defaults.auditLog
        metricsTokenSHA256 = try c.decodeIfPresent(String.self, forKey: .metricsTokenSHA256)
        tls = try c.decodeIfPresent(TLS.self, forKey: .tls)
    }

    /// Environment variables that override the file, for containers:
    /// `SLUICE_SERVER_ADDRESS`, `SLUICE_SERVER_PORT`, `SLUICE_TOKENS_FILE`, `SLUICE_AUDIT_LOG`,
    /// `SLUICE_METRICS_TOKEN_SHA256`, `SLUICE_TLS_CERT_FILE` + `SLUICE_TLS_KEY_FILE`.
    public func applyingEnvironment(_ environment: [String: String]) throws(ServerError) -> ServerConfiguration {
        var copy = self
        if let v = environment["SLUICE_SERVER_ADDRESS"] { copy.address = v }
        if let v = environment["SLUICE_SERVER_PORT"] {
            guard let port = Int(v) else {
                throw ServerError(.invalidConfiguration, "SLUICE_SERVER_PORT must be a number", context: ["value": v])
            }
            copy.port = port
        }
        if let v = environment["SLUICE_TOKENS_FILE"] { copy.tokensFile = v }
        if let v = environment["SLUICE_AUDIT_LOG"] { copy.auditLog = v }
        if let v = environment["SLUICE_METRICS_TOKEN_SHA256"] { copy.metricsTokenSHA256 = v }
        switch (environment["SLUICE_TLS_CERT_FILE"], environment["SLUICE_TLS_KEY_FILE"]) {
        case (let cert?, let key?): copy.tls = TLS(certFile: cert, keyFile: key)
        case (nil, nil): break
        default:
            throw ServerError(.invalidConfiguration, "set both SLUICE_TLS_CERT_FILE and SLUICE_TLS_KEY_FILE, or neither")
        }
        try copy.validate()
        return copy
    }

    /// Resolves relative file paths against `directory` (the topology file's folder).
    public func resolvingPaths(relativeTo directory: String) -> ServerConfiguration {
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).path
        }
        var copy = self
        copy.tokensFile = tokensFile.map(resolve)
        copy.auditLog = resolve(auditLog)
        copy.tls = tls.map { TLS(certFile: resolve($0.certFile), keyFile: resolve($0.keyFile)) }
        return copy
    }

    /// Checks values that decode fine but cannot work.
    public func validate() throws(ServerError) {
        guard (0...65535).contains(port) else {
            throw ServerError(.invalidConfiguration, "server.port must be between 0 and 65535", context: ["port": String(port)])
        }
        guard !address.isEmpty else {
            throw ServerError(.invalidConfiguration, "server.address must not be empty; use 0.0.0.0 for all interfaces")
        }
        guard !auditLog.isEmpty else {
            throw ServerError(.invalidConfiguration, "server.audit_log must name a file")
        }
        if let hash = metricsTokenSHA256, TokenStore.decodeHex(hash)?.count != 32 {
            throw ServerError(.invalidConfiguration, "server.metrics_token_sha256 must be 64 hex characters (TokenTool.hash of the token)")
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func rejectUnknownKeys(_ decoder: any Decoder, allowed: [String], section: String) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let unknown = keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ServerError(
                .invalidConfiguration,
                "unknown key '\(unknown)' in \(section); allowed: \(allowed.joined(separator: ", "))",
                context: ["key": unknown])
        }
    }
}
