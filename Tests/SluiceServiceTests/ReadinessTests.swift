import Foundation
import HummingbirdTesting
import Logging
import SluiceCore
import SluiceEngine
import SluiceKafka
import SluiceServer
import SluiceService
import SluiceTopology
import Synchronization
import Testing

@Suite("Readiness during restore", .serialized)
struct ReadinessTests {
    static let topology = """
        apiVersion: sluice/v1
        kind: Topology
        metadata: {name: ready, version: 1}
        processing:
          checkpoint: {interval: 1s}
          batch: {max_records: 2000, max_wait: 5ms}
        sources:
          tx: {topic: tx, format: json, key: user, partitions: 1}
        operators:
          - id: counts
            type: features
            input: tx
            key: user
            aggregate:
              n: {fn: count}
        sinks:
          - {input: counts, topic: counted, format: json}
        """

    @Test("/readyz answers 503 while a restarted engine restores its state, then 200")
    func notReadyWhileRestoring() async throws {
        let dir = NSTemporaryDirectory() + "sluice-ready-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.topology.write(toFile: dir + "/ready.yaml", atomically: true, encoding: .utf8)
        let (compiled, diagnostics) = TopologyCompiler.compile(file: dir + "/ready.yaml", environment: [:], hooks: StandardValidationHooks.make())
        let topology = try #require(compiled, "\(diagnostics)")
        let broker = try EmbeddedBroker()
        for t in ["tx", "counted", "ready.dead-letters", "ready-counts-changelog"] { try broker.createTopic(t, partitions: 1) }
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers), logger: quiet)
        let keys = 60_000
        for i in 0..<keys {
            try producer.sendWaiting(topic: "tx", key: nil, value: Array(#"{"user":"u\#(i)"}"#.utf8))
        }
        try producer.flush()

        final class Done: Sendable { let flag = Atomic<Bool>(false) }
        // The restore waits (up to 30 s) until /readyz was seen answering "restoring": a fast machine restores
        // 60k keys quicker than a loaded one schedules the watching task.
        let seenRestoring = DispatchSemaphore(value: 0)
        func makeEngine(holdingRestore: Bool = false) throws -> Engine {
            var options = EngineOptions(
                bootstrapOverride: broker.bootstrapServers, stateDirectory: dir + "/state", instanceID: "r", logger: quiet)
            if holdingRestore { options.willRestoreTask = { _ in _ = seenRestoring.wait(timeout: .now() + 30) } }
            return try Engine(topology: topology, options: options)
        }
        @Sendable @discardableResult
        func start(_ engine: Engine, signalling done: Done = Done()) -> Done {
            let thread = Thread {
                try? engine.run()
                done.flag.store(true, ordering: .releasing)
            }
            thread.stackSize = 8 << 20
            thread.start()
            return done
        }
        // A first run builds 60k keys of state and checkpoints them on shutdown.
        let first = try makeEngine()
        let firstDone = start(first)
        let deadline = Date().addingTimeInterval(90)
        while first.statusSnapshot.recordsIn < keys && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        first.requestStop()
        while !firstDone.flag.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .seconds(2))

        // The second run restores them; /readyz is watched from before it starts (the restore can be short on a
        // fast machine, and the watching must not begin after it).
        let second = try makeEngine(holdingRestore: true)
        let secondDone = Done()
        let server = try AdminServer(
            configuration: ServerConfiguration(address: "127.0.0.1", port: 0, auditLog: dir + "/audit.jsonl"),
            engine: EngineAdminBridge(engine: second, topology: topology), metrics: .sluice(), tokens: TokenStore(entries: []), logger: quiet)
        let seen = Mutex<(restoring: Bool, readyAfter: Bool)>((false, false))
        try await server.makeApplication().test(.router) { client in
            #expect(try await client.execute(uri: "/readyz", method: .get).status != .ok)
            start(second, signalling: secondDone)
            let until = Date().addingTimeInterval(60)
            while Date() < until && !seen.withLock({ $0.restoring && $0.readyAfter }) {
                let response = try await client.execute(uri: "/readyz", method: .get)
                let body = String(buffer: response.body)
                seen.withLock { s in
                    if response.status == .serviceUnavailable && body.contains("restoring") {
                        if !s.restoring { seenRestoring.signal() }
                        s.restoring = true
                    }
                    if s.restoring && response.status == .ok { s.readyAfter = true }
                }
                // The restore waits for this loop (see `seenRestoring`): no need to spin.
                try await Task.sleep(for: .milliseconds(2))
            }
        }
        let (sawRestoring, sawReadyAfter) = seen.withLock { ($0.restoring, $0.readyAfter) }
        #expect(sawRestoring, "/readyz never reported the restore")
        #expect(sawReadyAfter, "/readyz never became ready after the restore")
        second.requestStop()
        while !secondDone.flag.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(50)) }
    }
}
