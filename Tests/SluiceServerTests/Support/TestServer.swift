import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SluiceServer
import Testing

/// Who sends a request in a test.
enum Caller: String, CaseIterable, CustomTestStringConvertible {
    case nobody, invalidToken, viewer, `operator`, admin

    var token: String? {
        switch self {
        case .nobody: nil
        case .invalidToken: "sluice_not-a-real-token"
        case .viewer: "viewer-secret-token"
        case .operator: "operator-secret-token"
        case .admin: "admin-secret-token"
        }
    }

    var testDescription: String { rawValue }
}

/// A server over a `FakeEngine` with a tokens file and audit log in a fresh temporary folder.
struct TestServer {
    let directory: URL
    let engine: FakeEngine
    let metrics: MetricsRegistry
    let server: AdminServer

    var auditPath: String { directory.appendingPathComponent("audit.jsonl").path }

    init(engine: FakeEngine = FakeEngine(), metrics: MetricsRegistry = .sluice(), metricsToken: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let tokensPath = directory.appendingPathComponent("tokens.yaml").path
        let entries = [Caller.viewer, .operator, .admin].map {
            TokenEntry(name: "\($0.rawValue)-user", role: Role(rawValue: $0.rawValue)!, sha256: TokenTool.hash($0.token!))
        }
        try TokenFile.write(entries, to: tokensPath)
        let config = ServerConfiguration(
            address: "127.0.0.1", port: 0, tokensFile: tokensPath,
            auditLog: directory.appendingPathComponent("audit.jsonl").path,
            metricsTokenSHA256: metricsToken.map(TokenTool.hash))
        self.engine = engine
        self.metrics = metrics
        server = try AdminServer(configuration: config, engine: engine, metrics: metrics, logger: Logger(label: "test"))
    }

    func auditEntries() throws -> [AuditEntry] {
        guard FileManager.default.fileExists(atPath: auditPath) else { return [] }
        let text = try String(contentsOfFile: auditPath, encoding: .utf8)
        return text.isEmpty ? [] : try AuditLog.entries(path: auditPath)
    }

    /// Runs `body` with a client talking to the router in-process.
    func withClient(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await server.makeApplication().test(.router) { client in try await body(client) }
    }
}

extension TestClientProtocol {
    /// Sends a request as `caller` with an optional JSON body.
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ path: String, as caller: Caller = .nobody, json: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token = caller.token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await executeRequest(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    /// The body as a JSON object.
    func object() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}
