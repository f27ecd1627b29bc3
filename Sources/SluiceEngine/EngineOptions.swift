import Foundation
import Logging
import SluiceKafka
import SluiceTopology

/// How `sluice run` (and the benchmarks and tests) run a topology.
public struct EngineOptions: Sendable {
    /// Overrides the topology's bootstrap (e.g. a `dev-broker` started elsewhere).
    public var bootstrapOverride: String?
    /// Overrides `processing.checkpoint.dir`.
    public var stateDirectory: String?
    /// Show a live progress line (terminal) or periodic log lines.
    public var showProgress: Bool
    /// Stop after this many source records were processed (benchmarks).
    public var stopAfterRecords: Int?
    /// Stop once no record arrived for this long after at least one did (demos, benchmarks).
    public var stopWhenIdleMs: Int64?
    /// Extra librdkafka properties for every client.
    public var kafkaProperties: [String: String]
    /// A stable instance name (part of the transactional id in exactly-once mode).
    public var instanceID: String
    public var logger: Logger
    /// Called on the engine's thread while it is restoring, before each stateful task's state is read (with the
    /// task's partition). For embedding code and tests that must see the "restoring" state deterministically;
    /// whatever it does delays the restore.
    public var willRestoreTask: (@Sendable (_ partition: Int32) -> Void)?

    public init(
        bootstrapOverride: String? = nil, stateDirectory: String? = nil, showProgress: Bool = false,
        stopAfterRecords: Int? = nil, stopWhenIdleMs: Int64? = nil, kafkaProperties: [String: String] = [:],
        instanceID: String = ProcessInfo.processInfo.hostName, logger: Logger = Logger(label: "sluice.engine")
    ) {
        self.bootstrapOverride = bootstrapOverride
        self.stateDirectory = stateDirectory
        self.showProgress = showProgress
        self.stopAfterRecords = stopAfterRecords
        self.stopWhenIdleMs = stopWhenIdleMs
        self.kafkaProperties = kafkaProperties
        self.instanceID = instanceID
        self.logger = logger
    }
}

/// An error that stops the engine, with what to do about it.
public struct EngineError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// librdkafka properties from a topology's `cluster` section. Secrets are read from files or the environment
/// here, at start, and only ever live in the configuration (which redacts them when printed).
enum ClusterProperties {
    static func make(_ cluster: ClusterConfig, bootstrap: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> KafkaConfiguration
    {
        var config = KafkaConfiguration(bootstrapServers: bootstrap, properties: cluster.properties)
        guard let security = cluster.security else { return config }
        config["security.protocol"] = security.protocol.rawValue
        if let mechanism = security.saslMechanism { config["sasl.mechanisms"] = mechanism.rawValue }
        if let user = security.username { config["sasl.username"] = user }
        if let password = security.password { config["sasl.password"] = try read(password, environment) }
        if let ca = security.sslCAFile { config["ssl.ca.location"] = ca }
        if let cert = security.sslCertFile { config["ssl.certificate.location"] = cert }
        if let key = security.sslKeyFile { config["ssl.key.location"] = key }
        if let keyPassword = security.sslKeyPassword { config["ssl.key.password"] = try read(keyPassword, environment) }
        if let oauth = security.oauthbearer {
            config["sasl.oauthbearer.method"] = "oidc"
            config["sasl.oauthbearer.token.endpoint.url"] = oauth.tokenEndpointURL
            config["sasl.oauthbearer.client.id"] = oauth.clientID
            config["sasl.oauthbearer.client.secret"] = try read(oauth.clientSecret, environment)
            if let scope = oauth.scope { config["sasl.oauthbearer.scope"] = scope }
            if !oauth.extensions.isEmpty {
                config["sasl.oauthbearer.extensions"] = oauth.extensions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: ",")
            }
        }
        return config
    }

    /// Reads a secret; the error names where it looked, never a value.
    static func read(_ ref: SecretRef, _ environment: [String: String]) throws -> String {
        switch ref {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw EngineError("secret environment variable \(name) is not set; export it before `sluice run`")
            }
            return value
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw EngineError("cannot read secret file \(path); check the path and its permissions")
            }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
