import Foundation
import Hummingbird
import HummingbirdTesting
import SluiceCore
import SluiceServer
import Testing

@Suite("Admin API behaviour")
struct AdminAPITests {
    @Test("/readyz answers 503 with the reason while restoring, then 200")
    func readiness() async throws {
        let engine = FakeEngine()
        await engine.setReady(Readiness(ready: false, reason: "restoring 1 of 2 partitions"))
        let server = try TestServer(engine: engine)
        try await server.withClient { client in
            let restoring = try await client.send(.get, "/readyz")
            #expect(restoring.status == .serviceUnavailable)
            #expect(try restoring.object()["reason"] as? String == "restoring 1 of 2 partitions")
            #expect(try await client.send(.get, "/healthz").status == .ok)

            await engine.setReady(.ready)
            let ready = try await client.send(.get, "/readyz")
            #expect(ready.status == .ok)
            #expect(try ready.object()["ready"] as? Bool == true)
        }
    }

    @Test("state lookup returns the value as JSON, 404 for an unknown key or operator")
    func stateLookup() async throws {
        let server = try TestServer()
        try await server.withClient { client in
            let found = try await client.send(.get, "/state/fraud-window/user-1", as: .viewer)
            #expect(found.status == .ok)
            let value = try #require(found.object()["value"] as? [String: Any])
            #expect(value["count"] as? Int == 3)
            #expect(value["sum"] as? Double == 120.5)

            let missingKey = try await client.send(.get, "/state/fraud-window/user-404", as: .viewer)
            #expect(missingKey.status == .notFound)
            let error = try #require(missingKey.object()["error"] as? [String: Any])
            #expect(error["code"] as? String == "not_found")
            #expect((error["message"] as? String)?.contains("user-404") == true)

            #expect(try await client.send(.get, "/state/nope/user-1", as: .viewer).status == .notFound)
        }
    }

    @Test("percent-encoded keys reach the engine decoded")
    func encodedKey() async throws {
        let server = try TestServer()
        try await server.withClient { client in
            let response = try await client.send(.get, "/state/fraud-window/user%2D1", as: .viewer)
            #expect(response.status == .ok)
            #expect(try response.object()["key"] as? String == "user-1")
        }
    }

    @Test("predict passes features and entity key to the engine and returns its outputs")
    func predict() async throws {
        let engine = FakeEngine()
        let server = try TestServer(engine: engine)
        try await server.withClient { client in
            let response = try await client.send(
                .post, "/models/fraud/predict", as: .operator,
                json: #"{"features": {"amount": 250, "country": "NL", "ratio": 0.5, "new": true}, "entityKey": "user-7"}"#)
            #expect(response.status == .ok)
            let body = try response.object()
            #expect(body["model"] as? String == "fraud")
            let outputs = try #require(body["outputs"] as? [String: Any])
            #expect(outputs["score"] as? Double == 0.87)
            #expect(outputs["echo_amount"] as? Int == 250)
            #expect(outputs["entity"] as? String == "user-7")
        }
        let calls = await engine.predictCalls
        #expect(calls.count == 1)
        #expect(calls.first?.model == "fraud")
        #expect(calls.first?.entityKey == "user-7")
        let expected: Fields = ["amount": .int(250), "country": "NL", "new": true, "ratio": 0.5]
        #expect(calls.first?.features == expected)
    }

    @Test("predict rejects a malformed body with 400 and an unknown model with 404")
    func predictErrors() async throws {
        let server = try TestServer()
        try await server.withClient { client in
            let bad = try await client.send(.post, "/models/fraud/predict", as: .operator, json: #"{"amount": 1"#)
            #expect(bad.status == .badRequest)
            let error = try #require(bad.object()["error"] as? [String: Any])
            #expect((error["message"] as? String)?.contains("features") == true)
            let unknown = try await client.send(.post, "/models/other/predict", as: .operator, json: #"{"features": {}}"#)
            #expect(unknown.status == .notFound)
        }
    }

    @Test("topology, partitions and graph formats")
    func topology() async throws {
        let server = try TestServer()
        try await server.withClient { client in
            let topology = try await client.send(.get, "/api/v1/topology", as: .viewer).object()
            #expect(topology["name"] as? String == "fraud-detection")
            #expect(topology["state"] as? String == "running")
            let partitions = try #require(
                try await client.send(.get, "/api/v1/partitions", as: .viewer).object()["partitions"] as? [[String: Any]])
            #expect(partitions.map { $0["lag"] as? Int } == [30, 0])
            #expect(partitions.first?["committedOffset"] as? Int == 90)

            let mermaid = try await client.send(.get, "/api/v1/topology/graph?format=mermaid", as: .viewer).object()
            #expect(mermaid["graph"] as? String == "graph LR; payments-->validate")
            let text = try await client.send(.get, "/api/v1/topology/graph", as: .viewer).object()
            #expect(text["format"] as? String == "text")
            let bad = try await client.send(.get, "/api/v1/topology/graph?format=png", as: .viewer)
            #expect(bad.status == .badRequest)
        }
    }

    @Test("activate, rollback and pause change the engine")
    func mutations() async throws {
        let engine = FakeEngine()
        let server = try TestServer(engine: engine)
        try await server.withClient { client in
            let activated = try await client.send(.post, "/api/v1/models/fraud/activate", as: .admin, json: #"{"version": "v1"}"#)
            #expect(try activated.object()["activeVersion"] as? String == "v1")
            let rolledBack = try await client.send(.post, "/api/v1/models/fraud/rollback", as: .admin)
            #expect(try rolledBack.object()["activeVersion"] as? String == "v2")
            let missingVersion = try await client.send(.post, "/api/v1/models/fraud/activate", as: .admin, json: "{}")
            #expect(missingVersion.status == .badRequest)

            try await client.send(.post, "/api/v1/sources/pause", as: .operator)
            #expect(await engine.paused)
            let checkpoint = try await client.send(.post, "/api/v1/checkpoint", as: .operator).object()
            #expect(checkpoint["bytes"] as? Int == 4096)
        }
    }

    @Test("/metrics renders the registry with the Prometheus content type")
    func metricsEndpoint() async throws {
        let server = try TestServer()
        server.metrics.counter(SluiceMetrics.recordsIn, "validate").increment(by: 5)
        try await server.withClient { client in
            let response = try await client.send(.get, "/metrics")
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(response.text.contains("sluice_records_in_total{operator=\"validate\"} 5\n"))
        }
    }
}
