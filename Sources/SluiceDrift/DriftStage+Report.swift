import Foundation
import SluiceCore
import SluiceStats

extension DriftStage {
    /// Closes a window: builds its report, publishes it, emits it as a record and decides on an action.
    func close(_ key: Int64, into output: inout OperatorOutput) {
        guard let w = windows.removeValue(forKey: key) else { return }
        dirty.remove(key)
        removed.insert(key)
        if case .count = config.window { countWindowRows = 0 }
        let (start, end): (Int64, Int64)
        switch config.window {
        case .tumbling(let size): (start, end) = (key, key &+ size)
        case .count: (start, end) = w.minTime <= w.maxTime ? (w.minTime, w.maxTime &+ 1) : (0, 0)
        }
        let ctx = WindowContext(topology: config.topology, operator: config.operatorID,
                                modelVersion: lastModelVersion.map { String(decoding: $0, as: UTF8.self) },
                                windowStart: start, windowEnd: end)
        let windowsByName = Dictionary(uniqueKeysWithValues: w.accumulators.map { ($0.feature, $0) })
        var report: DriftReport
        do {
            report = try comparator.compare(windows: windowsByName, context: ctx, alarms: w.alarms)
        } catch {
            counters.failedReports += 1
            counters.lastError = "window [\(start), \(end)): \(error)"
            return
        }
        report = Self.applying(thresholdOverrides, driftShare: config.driftShare, to: report)
        report.n = w.rows
        let performance = config.performance.map { p in w.performance.map { $0.metrics(p.metrics) } ?? PerformanceMetrics(n: 0) }
        lastReport = report
        lastPerformance = performance
        counters.reports += 1
        let keyBytes = Array(config.reportKey.utf8)
        if let topic = config.reportTopic {
            do {
                output.published.append((topic: topic, key: keyBytes, value: try ReportEnvelope(report: report, performance: performance).json()))
            } catch {
                counters.failedReports += 1
                counters.lastError = "report \(report.reportId) could not be encoded: \(error)"
            }
        }
        var headers: [Header] = []
        if let v = lastModelVersion { headers.append(Header(name: Self.modelVersionHeader, value: v)) }
        output.emit(Record(fields: ReportFields.fields(report, performance: performance), key: keyBytes, headers: headers,
                           timestamp: end, eventTime: end))
        act(on: report, into: &output)
    }

    /// Per-feature thresholds from the topology (DriftConfig only has per-test thresholds): re-decides
    /// `drifted` for those features and recomputes the dataset verdict.
    static func applying(_ overrides: [String: Double], driftShare: Double, to r: DriftReport) -> DriftReport {
        guard !overrides.isEmpty else { return r }
        var out = r
        for i in out.features.indices {
            guard let th = overrides[out.features[i].name] else { continue }
            let f = out.features[i]
            out.features[i].threshold = th
            out.features[i].drifted = f.test.isDistance ? f.statistic > th : (f.pValue ?? 1) < th
        }
        let drifted = out.features.filter(\.drifted).count
        out.driftShare = out.features.isEmpty ? 0 : Double(drifted) / Double(out.features.count)
        out.datasetDrift = !out.features.isEmpty && out.driftShare >= driftShare
        return out
    }

    /// Dataset drift or a detector drift alarm triggers `onDrift`, at most once per cool-down. The cool-down
    /// runs in event time: it is compared with the report's window end, so replays decide alike.
    func act(on report: DriftReport, into output: inout OperatorOutput) {
        let alarms = report.detectorAlarms.filter { $0.signal == .drift }
        guard report.datasetDrift || !alarms.isEmpty, let od = config.onDrift else { return }
        if let last = lastActionAt, report.windowEnd - last < od.cooldownMs {
            counters.suppressedActions += 1
            return
        }
        lastActionAt = report.windowEnd
        counters.actions += 1
        if let topic = od.publishTopic {
            let request = RetrainRequest(report: report, model: od.model ?? od.rollback ?? config.operatorID)
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            do {
                output.published.append((topic: topic, key: Array(config.reportKey.utf8), value: Array(try enc.encode(request))))
            } catch {
                counters.lastError = "retraining request for report \(report.reportId) could not be encoded: \(error)"
            }
        }
        if let target = od.rollback, let rollback {
            rollback(target, Self.reason(report, alarms))
        }
    }

    static func reason(_ r: DriftReport, _ alarms: [DetectorAlarm]) -> String {
        var parts: [String] = []
        if r.datasetDrift {
            let names = r.driftedFeatures
            parts.append("dataset drift: \(names.count) of \(r.features.count) features drifted (\(names.joined(separator: ", ")))")
        }
        for a in alarms { parts.append("\(a.detector) drift alarm on \(a.metric) at record \(a.index)") }
        return parts.joined(separator: "; ") + " in window [\(r.windowStart), \(r.windowEnd)), report \(r.reportId)"
    }
}
