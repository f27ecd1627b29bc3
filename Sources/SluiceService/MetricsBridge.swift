import Foundation
import SluiceEngine
import SluiceServer
import Synchronization

/// Copies the engine's status into the Prometheus registry at scrape time: counters advance by the change
/// since the last scrape, gauges take the current value.
public final class MetricsBridge: Sendable {
    private let engine: Engine
    private let registry: MetricsRegistry
    private let seen = Mutex<[String: Int]>([:])

    public init(engine: Engine, registry: MetricsRegistry) {
        self.engine = engine
        self.registry = registry
    }

    public func install() {
        registry.onCollect { [self] in collect() }
    }

    private func advance(_ counter: Counter, _ id: String, to value: Int) {
        let delta = seen.withLock { seen -> Int in
            defer { seen[id] = value }
            return value - (seen[id] ?? 0)
        }
        if delta > 0 { counter.increment(by: delta) }
    }

    public func collect() {
        let s = engine.statusSnapshot
        advance(registry.counter(SluiceMetrics.recordsIn, "sources"), "in", to: s.recordsIn)
        for (op, n) in s.recordsOutByOperator {
            advance(registry.counter(SluiceMetrics.recordsOut, op), "out/\(op)", to: n)
        }
        for (key, n) in s.deadLettersByReason {
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            advance(registry.counter(SluiceMetrics.deadLetters, parts[0], parts[1]), "dlq/\(key)", to: n)
        }
        advance(registry.counter(SluiceMetrics.lateRecords, "all"), "late", to: s.lateRecords)
        let now = Double(Date().timeIntervalSince1970)
        for p in s.partitions {
            if p.lag >= 0 { registry.gauge(SluiceMetrics.consumerLag, p.topic, String(p.partition)).set(Int(p.lag)) }
            if let w = p.watermark { registry.gauge(SluiceMetrics.watermarkDelay, String(p.partition)).set(now - Double(w) / 1000) }
        }
        for (op, n) in s.stateKeys { registry.gauge(SluiceMetrics.stateKeys, op).set(n) }
        if let bytes = s.lastCheckpointBytes { registry.gauge(SluiceMetrics.checkpointBytes).set(bytes) }
        if let at = s.lastCheckpointMillis { registry.gauge(SluiceMetrics.checkpointAge).set(now - Double(at) / 1000) }
        let checkpoints = seen.withLock { seen -> Bool in
            defer { seen["checkpoints"] = s.checkpoints }
            return s.checkpoints > (seen["checkpoints"] ?? 0)
        }
        if checkpoints, let ms = s.lastCheckpointDurationMs { registry.histogram(SluiceMetrics.checkpointDuration).observe(ms / 1000) }
        registry.histogram(SluiceMetrics.processingLatency).observe(contentsOf: s.recentBatchSeconds)
        for d in s.drift {
            registry.gauge(SluiceMetrics.driftStatistic, d.operatorID, d.feature, d.test).set(d.statistic)
            registry.gauge(SluiceMetrics.driftDetected, d.operatorID, d.feature).set(d.drifted ? 1 : 0)
        }
        for target in engine.modelTargets {
            if let state = try? target.registry.state(of: target.model) {
                registry.setActiveModelVersion(model: target.model, version: state.active)
            }
        }
    }
}
