import Foundation
import SluiceServer
import Testing
import Yams

/// Checks that the deployment files parse and agree with each other and with the server:
/// service names, ports, mounted paths, datasource uid and metric names.
@Suite("Deployment files")
struct DeployFilesTests {
    /// The repository root: Tests/SluiceServerTests/<this file> → ../..
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static func yaml(_ path: String) throws -> [String: Any] {
        try #require(try Yams.load(yaml: text(path)) as? [String: Any], "\(path) is not a YAML mapping")
    }

    static func compose() throws -> [String: [String: Any]] {
        try #require(yaml("docker-compose.yml")["services"] as? [String: [String: Any]])
    }

    /// `host:container[:mode]` volume strings of a service, as (host, container) pairs.
    static func mounts(_ service: [String: Any]) -> [(host: String, container: String)] {
        ((service["volumes"] as? [String]) ?? []).compactMap {
            let parts = $0.split(separator: ":").map(String.init)
            return parts.count >= 2 ? (parts[0], parts[1]) : nil
        }
    }

    /// The host file behind `containerPath`, through the service's bind mounts.
    static func hostPath(of containerPath: String, in service: [String: Any]) -> String? {
        for m in mounts(service) where m.host.hasPrefix("./") {
            if containerPath == m.container { return String(m.host.dropFirst(2)) }
            if containerPath.hasPrefix(m.container + "/") {
                return String(m.host.dropFirst(2)) + containerPath.dropFirst(m.container.count)
            }
        }
        return nil
    }

    static func environment(_ service: [String: Any]) -> [String: String] {
        ((service["environment"] as? [String: Any]) ?? [:]).mapValues { "\($0)" }
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path)
    }

    @Test("compose has Kafka in KRaft mode, Sluice, Prometheus and Grafana")
    func services() throws {
        let services = try Self.compose()
        #expect(Set(services.keys) == ["kafka", "sluice", "prometheus", "grafana"])
        #expect((services["kafka"]?["image"] as? String)?.hasPrefix("apache/kafka:") == true)
        #expect((services["prometheus"]?["image"] as? String)?.hasPrefix("prom/prometheus:") == true)
        #expect((services["grafana"]?["image"] as? String)?.hasPrefix("grafana/grafana:") == true)

        let kafka = Self.environment(try #require(services["kafka"]))
        #expect(Set((kafka["KAFKA_PROCESS_ROLES"] ?? "").split(separator: ",")) == ["broker", "controller"])
        #expect(kafka["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "\(kafka["KAFKA_NODE_ID"] ?? "?")@kafka:9093")
        #expect(kafka["CLUSTER_ID"]?.isEmpty == false)

        let sluice = try #require(services["sluice"])
        let bootstrap = try #require(Self.environment(sluice)["KAFKA_BOOTSTRAP"])
        #expect(bootstrap == "kafka:9092")
        #expect(services[String(bootstrap.split(separator: ":")[0])] != nil, "bootstrap host must be a compose service")
        #expect(kafka["KAFKA_ADVERTISED_LISTENERS"]?.contains("//\(bootstrap)") == true, "Kafka must advertise \(bootstrap)")
    }

    @Test("sluice runs the fraud topology from a mounted folder, built from the Dockerfile")
    func sluiceService() throws {
        let sluice = try #require(try Self.compose()["sluice"])
        #expect(sluice["command"] as? [String] == ["run", "topologies/fraud-detection.yaml"])
        let build = try #require(sluice["build"] as? [String: Any])
        #expect(Self.exists(try #require(build["dockerfile"] as? String)))
        let dockerfile = try Self.text("Dockerfile")
        let workdir = try #require(dockerfile.split(separator: "\n").last { $0.hasPrefix("WORKDIR ") }).dropFirst("WORKDIR ".count)
        #expect(Self.hostPath(of: "\(workdir)/topologies/fraud-detection.yaml", in: sluice) == "topologies/fraud-detection.yaml")

        let tokensFile = try #require(Self.environment(sluice)["SLUICE_TOKENS_FILE"])
        let hostTokens = try #require(Self.hostPath(of: tokensFile, in: sluice), "tokens file must be mounted")
        _ = try TokenStore.load(path: Self.root.appendingPathComponent(hostTokens).path)
    }

    @Test("the admin port agrees across compose, Dockerfile, server configuration and Prometheus")
    func port() throws {
        let services = try Self.compose()
        let sluice = try #require(services["sluice"])
        let config = try ServerConfiguration().applyingEnvironment(Self.environment(sluice))
        #expect(config.address == "0.0.0.0", "inside a container the server must listen on all interfaces")
        #expect(config.port == ServerConfiguration.defaultPort)
        let published = ((sluice["ports"] as? [String]) ?? []).map { String($0.split(separator: ":").last ?? "") }
        #expect(published.contains(String(config.port)))
        #expect(try Self.text("Dockerfile").contains("EXPOSE \(config.port)\n"))

        let prometheus = try Self.yaml("deploy/prometheus/prometheus.yml")
        let jobs = try #require(prometheus["scrape_configs"] as? [[String: Any]])
        let sluiceJob = try #require(jobs.first { $0["job_name"] as? String == "sluice" })
        #expect((sluiceJob["metrics_path"] as? String ?? "/metrics") == "/metrics")
        let targets = try #require((sluiceJob["static_configs"] as? [[String: Any]])?.first?["targets"] as? [String])
        #expect(targets == ["sluice:\(config.port)"])
        for target in targets {
            #expect(services[String(target.split(separator: ":")[0])] != nil, "\(target) must name a compose service")
        }
    }

    @Test("Prometheus and Grafana mount the files that exist here")
    func mounts() throws {
        let services = try Self.compose()
        let prometheus = try #require(services["prometheus"])
        let configFlag = try #require((prometheus["command"] as? [String])?.first { $0.hasPrefix("--config.file=") })
        let configPath = String(configFlag.dropFirst("--config.file=".count))
        #expect(Self.hostPath(of: configPath, in: prometheus) == "deploy/prometheus/prometheus.yml")

        let grafana = try #require(services["grafana"])
        #expect(Self.hostPath(of: "/etc/grafana/provisioning/datasources/prometheus.yml", in: grafana)
            == "deploy/grafana/provisioning/datasources/prometheus.yml")
        #expect(Self.hostPath(of: "/etc/grafana/provisioning/dashboards/sluice.yml", in: grafana)
            == "deploy/grafana/provisioning/dashboards/sluice.yml")
        let providers = try #require(try Self.yaml("deploy/grafana/provisioning/dashboards/sluice.yml")["providers"] as? [[String: Any]])
        let dashboardsDir = try #require((providers.first?["options"] as? [String: Any])?["path"] as? String)
        let hostDir = try #require(Self.hostPath(of: dashboardsDir, in: grafana), "\(dashboardsDir) is not mounted")
        #expect(Self.exists(hostDir + "/sluice.json"))
        if let home = Self.environment(grafana)["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"] {
            #expect(Self.hostPath(of: home, in: grafana).map(Self.exists) == true)
        }
    }

    @Test("the dashboard uses the provisioned datasource and only metrics Sluice exports")
    func dashboard() throws {
        let datasources = try #require(try Self.yaml("deploy/grafana/provisioning/datasources/prometheus.yml")["datasources"] as? [[String: Any]])
        let uid = try #require(datasources.first?["uid"] as? String)
        let url = try #require(datasources.first?["url"] as? String)
        #expect(url == "http://prometheus:9090")
        #expect(try Self.compose()["prometheus"] != nil)

        let json = try #require(try JSONSerialization.jsonObject(with: Data(Self.text("deploy/grafana/dashboards/sluice.json").utf8)) as? [String: Any])
        let panels = try #require(json["panels"] as? [[String: Any]])
        let known = Set(SluiceMetrics.all.flatMap(\.sampleNames))
        var used = Set<String>()
        let pattern = try Regex(#"sluice_[a-z0-9_]+"#)
        for panel in panels where panel["type"] as? String != "row" {
            #expect((panel["datasource"] as? [String: Any])?["uid"] as? String == uid, "\(panel["title"] ?? "")")
            let targets = try #require(panel["targets"] as? [[String: Any]])
            #expect(!targets.isEmpty)
            for target in targets {
                #expect((target["datasource"] as? [String: Any])?["uid"] as? String == uid)
                let expr = try #require(target["expr"] as? String)
                for match in expr.matches(of: pattern) { used.insert(String(expr[match.range])) }
            }
        }
        #expect(used.subtracting(known).isEmpty, "unknown metrics: \(used.subtracting(known).sorted())")
        let required = [
            "sluice_records_in_total", "sluice_records_out_total", "sluice_consumer_lag", "sluice_dead_letters_total",
            "sluice_processing_latency_seconds_bucket", "sluice_drift_statistic", "sluice_drift_detected",
            "sluice_model_active_version", "sluice_checkpoint_duration_seconds_bucket", "sluice_checkpoint_age_seconds",
        ]
        #expect(Set(required).subtracting(used).isEmpty, "missing panels for: \(Set(required).subtracting(used).sorted())")
    }

    @Test("the Dockerfile builds in Swift with the Kafka, compression and allocator libraries and runs on bookworm-slim")
    func dockerfile() throws {
        let text = try Self.text("Dockerfile")
        let stages = text.split(separator: "\n").filter { $0.hasPrefix("FROM ") }
        #expect(stages.count == 2)
        #expect(stages.first?.contains("swift:") == true && stages.first?.contains(" AS build") == true)
        #expect(stages.last == "FROM debian:bookworm-slim")
        #expect(text.contains("ARG SWIFT_VERSION=6."))
        for lib in [
            "librdkafka-dev", "libzstd-dev", "liblz4-dev", "libjemalloc-dev", "librdkafka1", "libzstd1", "liblz4-1", "libjemalloc2",
        ] {
            #expect(text.contains(" \(lib) "), "\(lib)")
        }
        #expect(text.contains("swift build -c release"))
        #expect(try Self.text(".dockerignore").split(separator: "\n").contains(".build"))
    }

    @Test("operations.md documents every metric and every admin endpoint")
    func operationsDoc() throws {
        let doc = try Self.text("docs/operations.md")
        for d in SluiceMetrics.all { #expect(doc.contains("`\(d.name)`"), "\(d.name)") }
        for endpoint in AdminEndpoint.allCases {
            let documented = endpoint.pattern.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                .joined(separator: "/")
            #expect(doc.contains("`\(endpoint.method.rawValue) /\(documented)`"), "\(endpoint.pattern)")
        }
    }
}
