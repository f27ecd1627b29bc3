import Foundation
import Hummingbird
import HummingbirdTesting
import SluiceServer
import Testing

@Suite("Audit log")
struct AuditTests {
    @Test("mutating calls are audited with principal, role and result; reads and predictions are not")
    func onlyMutatingCalls() async throws {
        let server = try TestServer()
        try await server.withClient { client in
            try await client.send(.get, "/api/v1/topology", as: .admin)
            try await client.send(.get, "/api/v1/models", as: .viewer)
            try await client.send(.post, "/models/fraud/predict", as: .operator, json: #"{"features": {"amount": 1}}"#)
            try await client.send(.post, "/api/v1/checkpoint", as: .operator)
            try await client.send(.post, "/api/v1/models/fraud/activate", as: .viewer, json: #"{"version": "v1"}"#)
            try await client.send(.post, "/api/v1/models/fraud/activate", as: .admin, json: #"{"version": "v1"}"#)
            try await client.send(.post, "/api/v1/models/fraud/activate", as: .admin, json: #"{"version": "v9"}"#)
            try await client.send(.post, "/api/v1/sources/pause")
        }
        let entries = try server.auditEntries()
        #expect(entries.map(\.path) == [
            "/api/v1/checkpoint", "/api/v1/models/fraud/activate", "/api/v1/models/fraud/activate",
            "/api/v1/models/fraud/activate", "/api/v1/sources/pause",
        ])
        #expect(entries.map(\.status) == [200, 403, 200, 404, 401])
        #expect(entries.map(\.principal) == ["operator-user", "viewer-user", "admin-user", "admin-user", "anonymous"])
        #expect(entries.map(\.role) == [.operator, .viewer, .admin, .admin, nil])
        #expect(entries.allSatisfy { $0.method == "POST" })
        #expect(entries[0].detail.contains("checkpoint 1"))
        #expect(entries[2].detail == "activated model fraud version v1")
        #expect(entries[3].detail.contains("no version 'v9'"))
    }

    @Test("entries are appended across server restarts and never contain the token")
    func appendOnlyAndNoSecrets() async throws {
        let server = try TestServer()
        try await server.withClient { client in try await client.send(.post, "/api/v1/sources/pause", as: .operator) }
        try await server.withClient { client in try await client.send(.post, "/api/v1/sources/resume", as: .operator) }
        let entries = try server.auditEntries()
        #expect(entries.map(\.detail) == ["sources paused", "sources resumed"])
        let raw = try String(contentsOfFile: server.auditPath, encoding: .utf8)
        #expect(raw.split(separator: "\n").count == 2)
        #expect(!raw.contains(Caller.operator.token!))
        let attributes = try FileManager.default.attributesOfItem(atPath: server.auditPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test("an unwritable audit log path is a startup error")
    func unwritablePath() {
        let config = ServerConfiguration(auditLog: "/nonexistent-dir/audit.jsonl")
        #expect(throws: ServerError.self) {
            _ = try AdminServer(configuration: config, engine: FakeEngine(), metrics: .sluice(), logger: .init(label: "t"))
        }
    }
}
