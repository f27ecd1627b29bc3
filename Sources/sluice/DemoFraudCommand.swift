import ArgumentParser
import Foundation
import Logging
import SluiceDrift
import SluiceEngine
import SluiceKafka
import Synchronization

/// The whole MLOps loop on one machine: the fraud-detection topology on the embedded broker, a synthetic
/// producer whose distribution shifts half way, labels arriving late, drift reports shown live.
struct DemoFraudCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fraud",
        abstract: "Run topologies/fraud-detection.yaml live on the embedded broker (ends by itself, or on Ctrl-C).")

    @Option(help: "Topology directory (copied to a scratch directory so the demo never changes your registry).")
    var topologies = "topologies"
    @Option(help: "Transactions to produce.") var events = 120_000
    @Option(help: "Transactions per second.") var rate = 6_000
    @Option(help: "Event-time spacing between transactions, ms (compresses hours of traffic into the demo).") var spacingMs: Int64 = 20
    @Option(help: "Labels arrive this many transactions after their event.") var labelLag = 2_000
    @Option(help: "Admin HTTP port (0 = none).") var adminPort = 0

    func run() throws {
        ShutdownSignal.shared.install()
        let work = NSTemporaryDirectory() + "sluice-demo-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.copyItem(atPath: topologies, toPath: work)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let topology = try TopologyLoading.compile(work + "/fraud-detection.yaml")

        var logger = Logger(label: "sluice.demo")
        logger.logLevel = .warning
        let engine = try Engine(topology: topology, options: EngineOptions(
            stateDirectory: work + "/state", showProgress: false, instanceID: "demo", logger: logger))
        let bootstrap = engine.bootstrapServers
        say("embedded broker at \(bootstrap) — topology '\(topology.metadata.name)' v\(topology.metadata.version)")
        say("drift reports appear below as windows of event time close; the distribution shifts after \(events / 2) transactions\n")

        let engineDone = EngineCompletion()
        let engineThread = Thread {
            do { try engine.run() } catch { engineDone.fail(error) }
            engineDone.finish()
        }
        engineThread.stackSize = 8 << 20
        engineThread.start()
        while engine.statusSnapshot.state == "starting" && !engineDone.isFinished { Thread.sleep(forTimeInterval: 0.05) }

        let config = KafkaConfiguration(bootstrapServers: bootstrap)
        let quiet = KafkaThroughput.quietLogger
        let producer = try KafkaProducer(configuration: config, logger: quiet)
        let monitor = try KafkaConsumer(configuration: config, groupID: "demo-monitor", logger: quiet)
        try monitor.subscribe(["fraud.drift", "model.retrain-requests"])

        let start = ContinuousClock.now
        var generator = SyntheticTransactions(
            seed: 5, driftAfter: events / 2, invalidEvery: 997,
            startTime: Int64(Date().timeIntervalSince1970 * 1000) - Int64(events) * spacingMs - 120_000, spacing: spacingMs)
        var pendingLabels: [(key: String, json: String)] = []
        var buffer: [UInt8] = []
        var produced = 0
        var reports = 0
        var driftReports = 0
        var retrainRequests = 0
        var progress = ProgressLine()
        let color = isatty(STDOUT_FILENO) != 0
        while !ShutdownSignal.shared.isRequested && !engineDone.isFinished {
            let due = min(events, Int((ContinuousClock.now - start).seconds * Double(rate)) + 1)
            while produced < due {
                buffer.removeAll(keepingCapacity: true)
                let key = generator.next(into: &buffer)
                try producer.sendWaiting(topic: "transactions", key: Array(key.utf8), value: buffer)
                pendingLabels.append(generator.lastLabel(delayMs: Int64(labelLag) * spacingMs))
                produced += 1
            }
            // Labels are decided later: send those whose lag has passed (all of them at the end).
            let ready = produced >= events ? pendingLabels.count : max(0, pendingLabels.count - labelLag)
            for l in pendingLabels.prefix(ready) {
                try producer.sendWaiting(topic: "fraud-labels", key: Array(l.key.utf8), value: Array(l.json.utf8))
            }
            pendingLabels.removeFirst(ready)
            producer.poll()
            monitor.consume(maxMessages: 100, timeoutMs: 50) { m in
                guard let bytes = m.valueBytes else { return }
                if m.topic == "model.retrain-requests" {
                    retrainRequests += 1
                    progress.clear()
                    say("→ retraining request published: \(String(decoding: bytes, as: UTF8.self).prefix(160))…")
                } else if let envelope = try? ReportEnvelope.decode(bytes) {
                    reports += 1
                    if envelope.report.datasetDrift { driftReports += 1 }
                    progress.clear()
                    print(DriftReportRenderer.render(envelope.report, performance: envelope.performance, color: color))
                }
            }
            let s = engine.statusSnapshot
            progress.update(
                "produced \(produced)/\(events)  processed \(s.recordsIn)  scored \(s.recordsOutByOperator["score"] ?? 0)  "
                    + "dead letters \(s.deadLetters)  drift reports \(reports)" + (generator.isDrifted ? "  [distribution shifted]" : ""))
            if produced >= events && pendingLabels.isEmpty && s.recordsIn >= events * 2 && s.partitions.allSatisfy({ $0.lag <= 0 }) {
                break
            }
        }
        try producer.flush()
        // Let the last windows close: idle partitions advance the watermark after processing-time idleness.
        Thread.sleep(forTimeInterval: 1)
        engine.requestStop()
        while !engineDone.isFinished { Thread.sleep(forTimeInterval: 0.05) }
        progress.finish()
        monitor.consume(maxMessages: 1000, timeoutMs: 500) { m in
            if m.topic == "fraud.drift", let bytes = m.valueBytes, let e = try? ReportEnvelope.decode(bytes) {
                reports += 1
                if e.report.datasetDrift { driftReports += 1 }
                print(DriftReportRenderer.render(e.report, performance: e.performance, color: color))
            }
        }
        monitor.close()
        // The demo's clients end before the engine and the broker it runs (they would log "Connection refused").
        withExtendedLifetime(producer) {}
        if let error = engineDone.error { throw error }
        let s = engine.statusSnapshot
        let elapsed = (ContinuousClock.now - start).seconds
        say("""

            demo finished in \(String(format: "%.1f", elapsed)) s
              transactions produced   \(produced) (+ \(produced) labels)
              records processed       \(s.recordsIn)
              records written         \(s.recordsOut) (scores, features)
              dead letters            \(s.deadLetters) \(s.deadLettersByReason.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
              drift reports           \(reports), \(driftReports) with dataset drift
              retraining requests     \(retrainRequests)
              checkpoints             \(s.checkpoints)
              peak RSS                \(peakRSSBytes() / 1_048_576) MiB
            """)
        withExtendedLifetime(engine) {}
    }

    private func say(_ text: String) { print(text) }
}
