import Foundation
import SluiceDrift

/// The live progress line of `sluice run`: records in/out per second, dead letters, lag. Rewritten in place on
/// a terminal; a plain line every 5 s otherwise (logs).
struct ProgressReporter {
    let enabled: Bool
    let isTerminal = isatty(STDERR_FILENO) != 0
    private var last = ContinuousClock.now
    private var lastIn = 0
    private var lastOut = 0
    private let started = ContinuousClock.now

    init(enabled: Bool) { self.enabled = enabled }

    mutating func report(_ engine: Engine, force: Bool = false) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let interval: Duration = isTerminal ? .milliseconds(500) : .seconds(5)
        guard force || now - last >= interval else { return }
        let seconds = max(Double((now - last).components.attoseconds) / 1e18 + Double((now - last).components.seconds), 0.001)
        let s = engine.refreshStatus()
        let line = String(
            format: "in %@/s  out %@/s  total in %d  out %d  dead letters %d  late %d  lag %d  partitions %d",
            Self.rate(Double(s.recordsIn - lastIn) / seconds), Self.rate(Double(s.recordsOut - lastOut) / seconds),
            s.recordsIn, s.recordsOut, s.deadLetters, s.lateRecords, s.partitions.reduce(0) { $0 + max($1.lag, 0) },
            s.partitions.count)
        lastIn = s.recordsIn
        lastOut = s.recordsOut
        last = now
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[2K" + line : line + "\n").utf8))
    }

    mutating func finish(_ engine: Engine) {
        guard enabled else { return }
        report(engine, force: true)
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func rate(_ r: Double) -> String {
        r >= 1_000_000 ? String(format: "%.2fM", r / 1_000_000) : r >= 1_000 ? String(format: "%.1fk", r / 1_000) : String(format: "%.0f", r)
    }
}

extension Engine {
    /// Sums task counters and lag into the shared status (called from the processing thread).
    @discardableResult
    func refreshStatus() -> EngineStatus {
        var total = retired
        var partitions: [EngineStatus.PartitionStatus] = []
        for (key, task) in tasks {
            total.recordsIn += task.counters.recordsIn
            for (k, v) in task.counters.recordsOut { total.recordsOut[k, default: 0] += v }
            for (k, v) in task.counters.sunk { total.sunk[k, default: 0] += v }
            for (k, v) in task.counters.deadLetters { total.deadLetters[k, default: 0] += v }
            for (k, v) in task.counters.late { total.late[k, default: 0] += v }
            for tp in task.topicPartitions {
                let committed = task.tracker.withLock { $0.completedOffsets[tp.topic] } ?? -1
                let high = consumer.cachedWatermarks(topic: tp.topic, partition: tp.partition).high
                partitions.append(EngineStatus.PartitionStatus(
                    task: key.description, topic: tp.topic, partition: tp.partition, committedOffset: committed,
                    lag: high >= 0 && committed >= 0 ? high - committed : -1, restoring: false, paused: task.isPaused,
                    watermark: task.watermark == .min ? nil : task.watermark))
            }
        }
        var stateKeys: [String: Int] = [:]
        for (_, adapters) in stores { for (id, a) in adapters { stateKeys[id, default: 0] += a.store.count } }
        var drift: [EngineStatus.DriftFeatureStatus] = []
        for task in tasks.values {
            for (id, op) in task.statefulOperators {
                guard let stage = op as? DriftStage else { continue }
                for f in stage.metricsSnapshot().features {
                    drift.append(.init(operatorID: id, feature: f.feature, test: f.test.rawValue, statistic: f.statistic, drifted: f.drifted))
                }
            }
        }
        status.update {
            $0.stateKeys = stateKeys
            $0.drift = drift
            $0.recordsIn = total.recordsIn
            $0.recordsOut = total.sunk.values.reduce(0, +)
            $0.recordsOutByOperator = total.recordsOut
            $0.deadLetters = total.deadLetters.values.reduce(0, +)
            $0.deadLettersByReason = Dictionary(total.deadLetters.map { ("\($0.key.operatorID)/\($0.key.code)", $0.value) }, uniquingKeysWith: +)
            $0.lateRecords = total.late.values.reduce(0, +)
            $0.partitions = partitions.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        }
        return status.snapshot
    }
}
