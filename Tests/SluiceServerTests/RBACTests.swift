import Foundation
import Hummingbird
import HummingbirdTesting
import SluiceServer
import Testing

/// Every admin endpoint called by every kind of caller. The expected least role per route is written
/// here independently of the server's table, so a route that lost or gained a permission fails.
@Suite("Role-based access to the admin API")
struct RBACTests {
    struct Call: Sendable, CustomTestStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        var least: Role
        var testDescription: String { "\(method) \(path)" }
    }

    static let calls: [Call] = [
        Call(method: .get, path: "/api/v1/topology", least: .viewer),
        Call(method: .get, path: "/api/v1/topology/graph?format=dot", least: .viewer),
        Call(method: .get, path: "/api/v1/partitions", least: .viewer),
        Call(method: .get, path: "/state/fraud-window/user-1", least: .viewer),
        Call(method: .get, path: "/api/v1/models", least: .viewer),
        Call(method: .post, path: "/models/fraud/predict", body: #"{"features": {"amount": 12}}"#, least: .operator),
        Call(method: .post, path: "/api/v1/checkpoint", least: .operator),
        Call(method: .post, path: "/api/v1/sources/pause", least: .operator),
        Call(method: .post, path: "/api/v1/sources/resume", least: .operator),
        Call(method: .post, path: "/api/v1/models/fraud/activate", body: #"{"version": "v1"}"#, least: .admin),
        Call(method: .post, path: "/api/v1/models/fraud/rollback", least: .admin),
    ]

    @Test("the matrix covers every admin endpoint")
    func coversEveryEndpoint() {
        #expect(Self.calls.count == AdminEndpoint.allCases.count)
        for endpoint in AdminEndpoint.allCases {
            let prefix = endpoint.pattern.split(separator: ":").first.map(String.init) ?? endpoint.pattern
            #expect(Self.calls.contains { $0.method == endpoint.method && $0.path.hasPrefix(prefix) }, "\(endpoint)")
        }
    }

    @Test("status by caller", arguments: calls, Caller.allCases)
    func status(call: Call, caller: Caller) async throws {
        let expected: HTTPResponse.Status = switch caller {
        case .nobody, .invalidToken: .unauthorized
        case .viewer, .operator, .admin: Role(rawValue: caller.rawValue)! >= call.least ? .ok : .forbidden
        }
        let server = try TestServer()
        try await server.withClient { client in
            let response = try await client.send(call.method, call.path, as: caller, json: call.body)
            #expect(response.status == expected, "\(response.text)")
            if expected == .unauthorized {
                #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"sluice\"")
            }
            if expected != .ok {
                let error = try #require(response.object()["error"] as? [String: Any])
                #expect(error["code"] as? String == (expected == .unauthorized ? "unauthorized" : "forbidden"))
            }
        }
    }

    @Test("probes need no token", arguments: ["/metrics", "/healthz", "/readyz"])
    func probesAreOpen(path: String) async throws {
        let server = try TestServer()
        try await server.withClient { client in
            let response = try await client.send(.get, path)
            #expect(response.status == .ok)
        }
    }

    @Test("a token in the wrong scheme is not accepted")
    func basicSchemeRejected() async throws {
        let server = try TestServer()
        try await server.withClient { client in
            let response = try await client.executeRequest(
                uri: "/api/v1/topology", method: .get,
                headers: [.authorization: "Basic \(Caller.admin.token!)"], body: nil)
            #expect(response.status == .unauthorized)
        }
    }

    @Test("metrics_token guards /metrics when configured")
    func metricsToken() async throws {
        let server = try TestServer(metricsToken: "scrape-secret")
        try await server.withClient { client in
            #expect(try await client.send(.get, "/metrics").status == .unauthorized)
            let ok = try await client.executeRequest(
                uri: "/metrics", method: .get, headers: [.authorization: "Bearer scrape-secret"], body: nil)
            #expect(ok.status == .ok)
            #expect(ok.text.contains("# TYPE sluice_records_in_total counter"))
        }
    }
}
