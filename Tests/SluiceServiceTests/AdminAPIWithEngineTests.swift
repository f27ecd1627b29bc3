import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SluiceCore
import SluiceEngine
import SluiceInference
import SluiceKafka
import SluiceServer
import SluiceService
import SluiceTopology
import Synchronization
import Testing

/// The admin API in front of a real engine on the embedded broker: live feature lookups, HTTP scoring equal to
/// stream scoring, and metrics that move with traffic.
@Suite("Admin API with a running engine", .serialized)
struct AdminAPIWithEngineTests {
    static let token = "sluice_test_operator_token"

    static let topology = """
        apiVersion: sluice/v1
        kind: Topology
        metadata: {name: served, version: 1}
        processing:
          checkpoint: {interval: 1s}
          batch: {max_records: 200, max_wait: 5ms}
        sources:
          tx: {topic: tx, format: json, key: user, partitions: 1}
        operators:
          - id: features
            type: features
            input: tx
            key: user
            aggregate:
              n: {fn: count}
          - id: score
            type: infer
            input: features
            model: {registry: models/risk, version: active}
            features: [amount, n]
            output: {score: risk}
        sinks:
          - {input: score, topic: scored, format: json, key: user}
        """

    static let model = """
        {"format":"simple-linear-json/1","type":"logistic","features":["amount","n"],"standardize":null,
         "coef":[0.01,0.3],"intercept":-2.0,"link":"logit","classes":[0,1]}
        """

    @Test("feature lookup returns the live value; HTTP scoring equals stream scoring; metrics move with traffic")
    func liveEngine() async throws {
        let dir = NSTemporaryDirectory() + "sluice-service-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir + "/models", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.model.write(toFile: dir + "/risk.json", atomically: true, encoding: .utf8)
        let registry = ModelRegistry(root: dir + "/models")
        try registry.register(modelFile: dir + "/risk.json", name: "risk", version: "v1", features: ["amount", "n"], by: "test")
        try registry.activate("risk", version: "v1", by: "test")
        try Self.topology.write(toFile: dir + "/served.yaml", atomically: true, encoding: .utf8)
        let (compiled, diagnostics) = TopologyCompiler.compile(file: dir + "/served.yaml", environment: [:], hooks: StandardValidationHooks.make())
        let topology = try #require(compiled, "\(diagnostics)")

        let broker = try EmbeddedBroker()
        for t in ["tx", "scored", "served.dead-letters", "served-features-changelog"] { try broker.createTopic(t, partitions: 1) }
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers), logger: quiet)
        for i in 0..<30 {
            let user = i % 3 == 0 ? "u1" : "u2"
            try producer.sendWaiting(topic: "tx", key: Array(user.utf8), value: Array(#"{"user":"\#(user)","amount":\#(10 * i)}"#.utf8))
        }
        try producer.flush()

        let engine = try Engine(topology: topology, options: EngineOptions(
            bootstrapOverride: broker.bootstrapServers, stateDirectory: dir + "/state", instanceID: "svc", logger: quiet))
        let finished = Atomic<Bool>(false)
        let thread = Thread {
            try? engine.run()
            finished.store(true, ordering: .releasing)
        }
        thread.start()
        // However the test ends, the engine stops and its thread finishes before the broker goes away.
        defer {
            engine.requestStop()
            while !finished.load(ordering: .acquiring) { usleep(50_000) }
        }
        // Generous: the whole suite runs tests side by side on two cores.
        let deadline = Date().addingTimeInterval(90)
        while engine.statusSnapshot.recordsIn < 30 && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(engine.statusSnapshot.recordsIn == 30)

        // The last scored record of u2, as the stream produced it.
        let reader = try KafkaConsumer(configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers), groupID: "r", logger: quiet)
        try reader.subscribe(["scored"])
        var scored: [[String: Any]] = []
        while scored.count < 30 && Date() < deadline {
            reader.consume(maxMessages: 100, timeoutMs: 100) { m in
                if let v = m.valueBytes, let o = try? JSONSerialization.jsonObject(with: Data(v)) as? [String: Any] { scored.append(o) }
            }
        }
        reader.close()
        #expect(scored.count == 30)
        let lastU2 = try #require(scored.last { $0["user"] as? String == "u2" })
        let amount = (lastU2["amount"] as? NSNumber)?.doubleValue ?? -1
        let n = (lastU2["n"] as? NSNumber)?.intValue ?? -1
        let streamScore = (lastU2["risk"] as? NSNumber)?.doubleValue

        let metrics = MetricsRegistry.sluice()
        MetricsBridge(engine: engine, registry: metrics).install()
        let tokens = try TokenStore(entries: [TokenEntry(name: "ops", role: .operator, sha256: TokenTool.hash(Self.token))])
        let server = try AdminServer(
            configuration: ServerConfiguration(address: "127.0.0.1", port: 0, auditLog: dir + "/audit.jsonl"),
            engine: EngineAdminBridge(engine: engine, topology: topology), metrics: metrics, tokens: tokens, logger: quiet)
        let auth: HTTPFields = [.authorization: "Bearer \(Self.token)"]
        try await server.makeApplication().test(.router) { client in
            // Live online features: u1 saw 10 events, u2 saw 20.
            let state = try await client.execute(uri: "/state/features/u2", method: .get, headers: auth)
            #expect(state.status == .ok)
            let stateBody = try JSONSerialization.jsonObject(with: Data(buffer: state.body)) as? [String: Any]
            let value = stateBody?["value"] as? [String: Any]
            #expect((value?["n"] as? NSNumber)?.intValue == 20, "\(String(buffer: state.body))")

            // Scoring over HTTP with the streamed record's features gives the streamed score.
            let body = #"{"features": {"amount": \#(amount), "n": \#(n)}}"#
            let predicted = try await client.execute(
                uri: "/models/risk/predict", method: .post, headers: auth, body: ByteBuffer(string: body))
            #expect(predicted.status == .ok)
            let outputs = (try JSONSerialization.jsonObject(with: Data(buffer: predicted.body)) as? [String: Any])?["outputs"] as? [String: Any]
            let httpScore = (outputs?["probability"] as? NSNumber)?.doubleValue
            #expect(httpScore != nil && httpScore == streamScore, "http \(String(describing: httpScore)) vs stream \(String(describing: streamScore))")

            // Metrics reflect the traffic.
            let scrape = try await client.execute(uri: "/metrics", method: .get)
            let text = String(buffer: scrape.body)
            #expect(text.contains(#"sluice_records_in_total{operator="sources"} 30"#), "\(text.prefix(600))")
            #expect(text.contains(#"sluice_records_out_total{operator="score"} 30"#))
            #expect(text.contains(#"sluice_model_active_version{model="risk",version="v1"} 1"#))

            // Ready while running; a viewer-only call without a token is refused.
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/state/features/u2", method: .get).status == .unauthorized)
        }
    }
}
