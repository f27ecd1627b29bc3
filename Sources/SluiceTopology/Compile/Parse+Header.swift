import SluiceCore

/// Reads the sections of a topology file into typed values; cross-references are checked by `Analyzer`.
final class TopologyParser {
    let reporter: Reporter
    let hooks: any ValidationHooks
    let baseDirectory: String

    init(reporter: Reporter, hooks: any ValidationHooks, baseDirectory: String) {
        self.reporter = reporter
        self.hooks = hooks
        self.baseDirectory = baseDirectory
    }

    func open(_ node: YNode, _ context: String, _ allowed: [String]) -> MapReader? {
        MapReader.open(node, context: context, allowed: allowed, reporter: reporter, baseDirectory: baseDirectory)
    }

    /// Ids are referenced as `id` or `id.branch`, so they may not contain dots.
    func checkID(_ id: Located<String>, what: String) -> Bool {
        let ok = id.value.first.map { $0 == "_" || $0.isLetter } == true
            && id.value.allSatisfy { $0 == "_" || $0 == "-" || $0.isLetter || $0.isNumber }
        if !ok {
            reporter.error(DiagnosticCode.invalidValue, at: id.location, "invalid \(what) id '\(id.value)'",
                           hint: "use letters, digits, '_' and '-', starting with a letter (dots separate route branches)")
        }
        return ok
    }

    func checkFile(_ path: Located<String>, purpose: FilePurpose) -> Bool {
        if let problem = hooks.checkFile(path.value, purpose: purpose) {
            reporter.error(DiagnosticCode.file, at: path.location, problem)
            return false
        }
        return true
    }

    // MARK: metadata

    func metadata(_ node: YNode) -> Metadata? {
        guard let m = open(node, "metadata", ["name", "version", "owner", "residency", "description"]) else { return nil }
        let name = m.string("name", required: true)
        if let name { _ = checkID(name, what: "topology") }
        return Metadata(
            name: name?.value ?? "", version: m.string("version")?.value ?? "1", owner: m.string("owner")?.value,
            residency: m.stringList("residency")?.map(\.value) ?? [], description: m.string("description")?.value)
    }

    // MARK: cluster

    static let clusterKeys = ["bootstrap", "region", "properties", "security"]

    func cluster(_ m: MapReader) -> ClusterConfig {
        var bootstrap = ClusterConfig.Bootstrap.embedded
        if let b = m.string("bootstrap", required: true), b.value != "embedded" {
            let servers = b.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for s in servers where !s.contains(":") {
                reporter.error(DiagnosticCode.invalidValue, at: b.location, "bootstrap server '\(s)' in \(m.context) has no port",
                               hint: "write host:port (e.g. kafka-1:9092), a comma-separated list, or 'embedded'")
            }
            bootstrap = .servers(servers)
        }
        var properties: [String: String] = [:]
        for (name, value) in m.namedEntries("properties") ?? [] {
            guard case .scalar(let s) = value else {
                reporter.error(DiagnosticCode.wrongType, at: value.location, "librdkafka property '\(name.text)' must be a single value, found \(value.kindName)")
                continue
            }
            if Self.secretPropertyNames.contains(name.text) {
                reporter.error(DiagnosticCode.literalSecret, at: name.location, "secret '\(name.text)' written into the topology",
                               hint: "use security.password_file or security.password_env instead")
            }
            properties[name.text] = s.text
        }
        let security = m.mapping("security", context: "\(m.context).security", allowed: Self.securityKeys).map(security)
        let region = m.string("region")
        return ClusterConfig(bootstrap: bootstrap, region: region?.value, regionLocation: region?.location, location: m.location,
                             properties: properties, security: security ?? nil)
    }

    static let secretPropertyNames: Set<String> = ["sasl.password", "ssl.key.password", "sasl.oauthbearer.client.secret"]
    static let securityKeys = [
        "protocol", "sasl_mechanism", "username", "password_file", "password_env", "ssl_ca_file", "ssl_cert_file",
        "ssl_key_file", "ssl_key_password_file", "ssl_key_password_env", "oauthbearer", "password", "ssl_key_password",
    ]

    /// `password_file` / `password_env` style pairs: exactly one, never the literal.
    func secret(_ m: MapReader, _ base: String) -> SecretRef? {
        if let literal = m.scalar(base) {
            reporter.error(DiagnosticCode.literalSecret, at: literal.location, "'\(base)' must not be written into the topology",
                           hint: "reference it instead: \(base)_file: /run/secrets/… or \(base)_env: VARIABLE")
        }
        let file = m.path("\(base)_file"), env = m.string("\(base)_env")
        if let file, env != nil {
            reporter.error(DiagnosticCode.invalidValue, at: file.location, "give either '\(base)_file' or '\(base)_env' in \(m.context), not both")
        }
        if let file { return .file(file.value) }
        if let env { return .environment(env.value) }
        return nil
    }

    func security(_ m: MapReader) -> SecurityConfig? {
        let proto: SecurityConfig.SecurityProtocol = m.choice("protocol") ?? .plaintext
        let mechanism: SecurityConfig.SASLMechanism? = m.choice("sasl_mechanism")
        let username = m.string("username")?.value
        let password = secret(m, "password")
        var oauth: SecurityConfig.OAuthBearer?
        if let o = m.mapping("oauthbearer", context: "\(m.context).oauthbearer",
                             allowed: ["token_endpoint_url", "client_id", "client_secret", "client_secret_file", "client_secret_env", "scope", "extensions"]) {
            let url = o.string("token_endpoint_url", required: true), client = o.string("client_id", required: true)
            let clientSecret = secret(o, "client_secret")
            if clientSecret == nil { o.missing("client_secret_file", hint: "or client_secret_env") }
            var extensions: [String: String] = [:]
            for (k, v) in o.namedEntries("extensions") ?? [] { if case .scalar(let s) = v { extensions[k.text] = s.text } }
            if let url, let client, let clientSecret {
                oauth = .init(tokenEndpointURL: url.value, clientID: client.value, clientSecret: clientSecret,
                              scope: o.string("scope")?.value, extensions: extensions)
            }
        }
        if proto.usesSASL {
            switch mechanism ?? .plain {
            case .oauthbearer:
                if oauth == nil { m.missing("oauthbearer", hint: "SASL/OAUTHBEARER needs token_endpoint_url, client_id and a client secret reference") }
            case .gssapi: break
            default:
                if username == nil { m.missing("username", hint: "SASL \((mechanism ?? .plain).rawValue) needs a username") }
                if password == nil, !m.has("password") {
                    reporter.error(DiagnosticCode.missingSecret, at: m.location, "SASL \((mechanism ?? .plain).rawValue) in \(m.context) needs a password reference",
                                   hint: "add password_file: /run/secrets/kafka or password_env: KAFKA_PASSWORD")
                }
            }
        }
        return SecurityConfig(
            protocol: proto, saslMechanism: mechanism, username: username, password: password,
            sslCAFile: m.path("ssl_ca_file")?.value, sslCertFile: m.path("ssl_cert_file")?.value,
            sslKeyFile: m.path("ssl_key_file")?.value, sslKeyPassword: secret(m, "ssl_key_password"), oauthbearer: oauth)
    }

    // MARK: processing

    /// `event_time: kafka` or `{field, unit, max_out_of_order, idle_timeout}`; the located field name comes along.
    func eventTime(_ m: MapReader, context: String) -> (value: ProcessingConfig.EventTime, field: Located<String>?)? {
        guard let node = m.node("event_time") else { return nil }
        var eventTime = ProcessingConfig.EventTime(field: nil, unit: .ms, maxOutOfOrderMs: 0, idleTimeoutMs: nil)
        if case .scalar(let s) = node, s.text == "kafka" { return (eventTime, nil) }  // the Kafka record timestamp
        guard let e = m.mapping("event_time", context: context, allowed: ["field", "unit", "max_out_of_order", "idle_timeout"]) else { return nil }
        let field = e.string("field")
        eventTime.field = field?.value == "kafka" ? nil : field?.value
        eventTime.unit = e.choice("unit") ?? .ms
        eventTime.maxOutOfOrderMs = e.duration("max_out_of_order", positive: false) ?? 0
        eventTime.idleTimeoutMs = e.duration("idle_timeout")
        return (eventTime, eventTime.field == nil ? nil : field)
    }

    func processing(_ node: YNode?, defaultApplicationID: String) -> ProcessingConfig {
        let m = node.flatMap { open($0, "processing", ["application_id", "guarantee", "checkpoint", "event_time", "batch", "backpressure", "threads"]) }
        let appID = m?.string("application_id")
        if let appID { _ = checkID(appID, what: "application") }
        var checkpoint = ProcessingConfig.Checkpoint(intervalMs: 10_000, directory: m?.resolvePath("state") ?? baseDirectory + "/state",
                                                     codec: .zstd, encryptionKey: nil)
        if let c = m?.mapping("checkpoint", context: "processing.checkpoint", allowed: ["interval", "dir", "codec", "encryption"]) {
            checkpoint.intervalMs = c.duration("interval") ?? checkpoint.intervalMs
            checkpoint.directory = c.path("dir")?.value ?? checkpoint.directory
            checkpoint.codec = c.choice("codec") ?? checkpoint.codec
            if let e = c.mapping("encryption", context: "processing.checkpoint.encryption", allowed: ["key_env", "key_file", "key"]) {
                checkpoint.encryptionKey = secret(e, "key")
                if checkpoint.encryptionKey == nil, !e.has("key") { e.missing("key_env", hint: "or key_file: a 32-byte AES-256 key") }
            }
        }
        let eventTime = m.flatMap { self.eventTime($0, context: "processing.event_time") }?.value
            ?? ProcessingConfig.EventTime(field: nil, unit: .ms, maxOutOfOrderMs: 0, idleTimeoutMs: nil)
        var batch = ProcessingConfig.Batch(maxRecords: 500, maxWaitMs: 5)
        if let b = m?.mapping("batch", context: "processing.batch", allowed: ["max_records", "max_wait"]) {
            batch.maxRecords = b.int("max_records", min: 1) ?? batch.maxRecords
            batch.maxWaitMs = b.duration("max_wait", positive: false) ?? batch.maxWaitMs
        }
        let maxInFlight = m?.mapping("backpressure", context: "processing.backpressure", allowed: ["max_in_flight"])?
            .int("max_in_flight", min: 1) ?? 10_000
        var config = ProcessingConfig(applicationID: appID?.value ?? defaultApplicationID, guarantee: m?.choice("guarantee") ?? .atLeastOnce,
                                      checkpoint: checkpoint, eventTime: eventTime, batch: batch, maxInFlight: maxInFlight)
        if let m, m.string("threads")?.value != "auto" { config.threadsSetting = m.int("threads", min: 1) }
        return config
    }
}
