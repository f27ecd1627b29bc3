import Foundation
import Logging
import SluiceCore
import SluiceKafka
import SluiceTopology
import Synchronization
@testable import SluiceEngine

/// A broker, a topology and an engine on a background thread.
final class EngineHarness: @unchecked Sendable {
    let broker: EmbeddedBroker
    let directory: String

    init() throws {
        broker = try EmbeddedBroker()
        directory = NSTemporaryDirectory() + "sluice-engine-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    static var quiet: Logger {
        var l = Logger(label: "test")
        l.logLevel = ProcessInfo.processInfo.environment["SLUICE_TEST_LOG"] == nil ? .critical : .debug
        return l
    }

    func compile(_ yaml: String, name: String = "t.yaml") throws -> Topology {
        let path = directory + "/" + name
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let (topology, diagnostics) = TopologyCompiler.compile(
            file: path, environment: [:], hooks: StandardValidationHooks.make())
        guard let topology else {
            throw EngineError("topology does not compile: \(diagnostics.map(\.description).joined(separator: "\n"))")
        }
        return topology
    }

    func produce(_ topic: String, _ records: [(key: String?, value: String)], partition: Int32? = nil) throws {
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers), logger: Self.quiet)
        for r in records {
            try producer.sendWaiting(topic: topic, partition: partition, key: r.key.map { Array($0.utf8) }, value: Array(r.value.utf8))
        }
        try producer.flush()
    }

    /// Everything currently in a topic (from the beginning).
    func consumeAll(_ topic: String, expecting count: Int? = nil, timeout: Duration = .seconds(20)) throws -> [(key: String?, value: String, headers: [Header])] {
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers), groupID: "reader-\(UInt32.random(in: 0...UInt32.max))",
            logger: Self.quiet)
        try consumer.subscribe([topic])
        var out: [(String?, String, [Header])] = []
        let deadline = ContinuousClock.now + timeout
        var quietSince = ContinuousClock.now
        while ContinuousClock.now < deadline {
            let n = consumer.consume(maxMessages: 1000, timeoutMs: 100) { m in
                out.append((m.keyBytes.map { String(decoding: $0, as: UTF8.self) }, m.valueBytes.map { String(decoding: $0, as: UTF8.self) } ?? "", m.headers))
            }
            if n > 0 { quietSince = .now }
            if let count, out.count >= count, ContinuousClock.now - quietSince > .milliseconds(300) { break }
            if count == nil, ContinuousClock.now - quietSince > .seconds(2) { break }
        }
        consumer.close()
        return out
    }

    /// Starts an engine on its own thread.
    func start(_ topology: Topology, stateDir: String? = nil, stopWhenIdleMs: Int64? = nil) throws -> RunningEngine {
        let engine = try Engine(
            topology: topology,
            options: EngineOptions(
                bootstrapOverride: broker.bootstrapServers, stateDirectory: stateDir ?? directory + "/state",
                stopWhenIdleMs: stopWhenIdleMs,
                kafkaProperties: ProcessInfo.processInfo.environment["SLUICE_TEST_KAFKA_DEBUG"].map { ["debug": $0] } ?? [:],
                instanceID: "test", logger: Self.quiet))
        return RunningEngine(engine)
    }
}

final class RunningEngine: @unchecked Sendable {
    let engine: Engine
    private let done = Mutex<(finished: Bool, error: String?)>((false, nil))

    init(_ engine: Engine) {
        self.engine = engine
        let thread = Thread { [self] in
            do { try engine.run() } catch { done.withLock { $0.error = "\(error)" } }
            done.withLock { $0.finished = true }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    var finished: Bool { done.withLock { $0.finished } }
    var error: String? { done.withLock { $0.error } }

    /// Waits until `condition` holds (checked every 50 ms) or the timeout passes.
    func wait(timeout: Duration = .seconds(30), until condition: (EngineStatus) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(engine.statusSnapshot) { return true }
            if finished { return condition(engine.statusSnapshot) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Requests a graceful stop and waits for `run` to return.
    func stop(timeout: Duration = .seconds(30)) {
        engine.requestStop()
        let deadline = ContinuousClock.now + timeout
        while !finished && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }
    }
}

func isoNow(offsetSeconds: Double = 0) -> String {
    let f = ISO8601DateFormatter()
    return f.string(from: Date().addingTimeInterval(offsetSeconds))
}

func header(_ headers: [Header], _ name: String) -> String? {
    headers.last { $0.name == name }?.value.map { String(decoding: $0, as: UTF8.self) }
}
