import Foundation
import SluiceServer
import Testing
import Yams

@Suite("Server configuration")
struct ConfigurationTests {
    @Test("the server section decodes with defaults for missing keys")
    func decode() throws {
        let yaml = """
            port: 9100
            tokens_file: secrets/tokens.yaml
            tls:
              cert_file: tls/server.crt
              key_file: tls/server.key
            """
        let config = try YAMLDecoder().decode(ServerConfiguration.self, from: yaml)
        #expect(config.address == "127.0.0.1")
        #expect(config.port == 9100)
        #expect(config.tokensFile == "secrets/tokens.yaml")
        #expect(config.auditLog == "sluice-audit.jsonl")
        #expect(config.tls == .init(certFile: "tls/server.crt", keyFile: "tls/server.key"))
        let resolved = config.resolvingPaths(relativeTo: "/srv/topologies")
        #expect(resolved.tokensFile == "/srv/topologies/secrets/tokens.yaml")
        #expect(resolved.auditLog == "/srv/topologies/sluice-audit.jsonl")
        #expect(resolved.tls?.keyFile == "/srv/topologies/tls/server.key")
    }

    @Test("a misspelt key is rejected, naming the allowed keys", arguments: ["tokens: x", "tls:\n  cert: a\n  key_file: b"])
    func unknownKey(yaml: String) {
        do {
            _ = try YAMLDecoder().decode(ServerConfiguration.self, from: yaml)
            Issue.record("accepted \(yaml)")
        } catch let error as ServerError {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains("allowed:"))
        } catch {
            // Some decoders wrap errors thrown from init(from:); the message must still name the key.
            #expect("\(error)".contains("unknown key"))
        }
    }

    @Test("environment variables override the file")
    func environment() throws {
        let config = try ServerConfiguration().applyingEnvironment([
            "SLUICE_SERVER_ADDRESS": "0.0.0.0", "SLUICE_SERVER_PORT": "9000", "SLUICE_TOKENS_FILE": "/etc/sluice/tokens.yaml",
            "SLUICE_AUDIT_LOG": "/var/lib/sluice/audit.jsonl",
        ])
        #expect(config == ServerConfiguration(
            address: "0.0.0.0", port: 9000, tokensFile: "/etc/sluice/tokens.yaml", auditLog: "/var/lib/sluice/audit.jsonl"))
    }

    @Test("invalid values are rejected", arguments: [
        ["SLUICE_SERVER_PORT": "http"], ["SLUICE_SERVER_PORT": "70000"], ["SLUICE_TLS_CERT_FILE": "a.crt"],
        ["SLUICE_METRICS_TOKEN_SHA256": "abc"],
    ])
    func invalid(env: [String: String]) {
        #expect(throws: ServerError.self) { try ServerConfiguration().applyingEnvironment(env) }
    }

    @Test("missing TLS files are a startup error naming the files")
    func missingTLSFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        let config = ServerConfiguration(
            auditLog: FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).jsonl").path,
            tls: .init(certFile: dir + "/server.crt", keyFile: dir + "/server.key"))
        let server = try AdminServer(configuration: config, engine: FakeEngine(), metrics: .sluice(), logger: .init(label: "t"))
        do {
            _ = try server.makeApplication()
            Issue.record("TLS with missing files accepted")
        } catch {
            #expect(error.code == .tls)
            #expect(error.context["cert_file"] == dir + "/server.crt")
        }
    }
}
