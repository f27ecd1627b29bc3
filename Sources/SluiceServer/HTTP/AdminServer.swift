import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import ServiceLifecycle

/// The Sluice HTTP server: `/metrics`, `/healthz`, `/readyz` and the token-guarded admin API.
///
/// It is a `Service`: run it in the same `ServiceGroup` as the engine so SIGTERM stops both gracefully
/// (the server stops accepting connections, finishes in-flight requests, then `run()` returns).
///
/// ```swift
/// let server = try AdminServer(configuration: config, engine: engine, metrics: registry, logger: logger)
/// let group = ServiceGroup(services: [engineService, server],
///                          gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
public struct AdminServer: Service {
    public let configuration: ServerConfiguration
    let engine: any EngineControl
    let metrics: MetricsRegistry
    let tokens: TokenStore
    let metricsToken: TokenStore?
    let audit: AuditLog
    let logger: Logger
    /// Called once the server listens, with the bound port (useful with `port: 0`).
    public var onServerRunning: @Sendable (_ port: Int?) async -> Void = { _ in }

    /// Validates `configuration`, loads the tokens file and opens the audit log.
    public init(
        configuration: ServerConfiguration, engine: any EngineControl, metrics: MetricsRegistry, logger: Logger
    ) throws(ServerError) {
        try configuration.validate()
        let tokens: TokenStore
        if let path = configuration.tokensFile {
            tokens = try TokenStore.load(path: path)
        } else {
            logger.warning("no server.tokens_file: every admin API call will be refused with 401")
            tokens = try TokenStore(entries: [])
        }
        try self.init(configuration: configuration, engine: engine, metrics: metrics, tokens: tokens, logger: logger)
    }

    /// As above with tokens given directly instead of read from `configuration.tokensFile`.
    public init(
        configuration: ServerConfiguration, engine: any EngineControl, metrics: MetricsRegistry,
        tokens: TokenStore, logger: Logger
    ) throws(ServerError) {
        try configuration.validate()
        self.configuration = configuration
        self.engine = engine
        self.metrics = metrics
        self.tokens = tokens
        self.metricsToken = try configuration.metricsTokenSHA256.map { hash throws(ServerError) in
            try TokenStore(entries: [TokenEntry(name: "metrics", role: .viewer, sha256: hash)])
        }
        self.audit = try AuditLog(path: configuration.auditLog)
        self.logger = logger
    }

    /// The Hummingbird application serving this server's routes (TLS when configured).
    /// `run()` uses it; tests drive it with HummingbirdTesting.
    public func makeApplication(
        onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
    ) throws(ServerError) -> some ApplicationProtocol {
        let appConfig = ApplicationConfiguration(
            address: .hostname(configuration.address, port: configuration.port), serverName: "sluice")
        let logger = self.logger
        return Application(
            router: makeRouter(), server: try httpServer(), configuration: appConfig,
            onServerRunning: { channel in
                let port = channel.localAddress?.port
                logger.info("admin server listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
                await onServerRunning(port)
            },
            logger: logger)
    }

    /// Serves until graceful shutdown is requested (SIGTERM/SIGINT through the enclosing `ServiceGroup`).
    public func run() async throws {
        try await makeApplication(onServerRunning: onServerRunning).run()
    }

    private func httpServer() throws(ServerError) -> HTTPServerBuilder {
        guard let tls = configuration.tls else { return .http1() }
        do {
            let certificates = try NIOSSLCertificate.fromPEMFile(tls.certFile)
            guard !certificates.isEmpty else {
                throw ServerError(.tls, "no certificate in PEM file", context: ["cert_file": tls.certFile])
            }
            let key = try NIOSSLPrivateKey(file: tls.keyFile, format: .pem)
            let tlsConfiguration = TLSConfiguration.makeServerConfiguration(
                certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key))
            return try .tls(.http1(), tlsConfiguration: tlsConfiguration)
        } catch let error as ServerError {
            throw error
        } catch {
            throw ServerError(
                .tls, "cannot load TLS certificate or key (PEM files expected): \(error)",
                context: ["cert_file": tls.certFile, "key_file": tls.keyFile])
        }
    }
}
