import SluiceCore
import SluiceStats

/// Checkpointing. Keys: `meta` (counters, watermark, count-window ordinal, last action time, latest report)
/// and `window/<key>` per open window (accumulators, performance pairs, alarms). Only windows changed since
/// the last save are written; closed windows are deleted.
///
/// The streaming detector cannot be serialised (SluiceStats detectors keep private state): after a restore
/// it restarts from its fresh state; its alarm index continues.
extension DriftStage {
    static let metaKey = Array("meta".utf8)
    static let windowPrefix = Array("window/".utf8)
    static let metaMagic = "DRMT"

    static func windowKey(_ k: Int64) -> [UInt8] { windowPrefix + Array(String(k).utf8) }

    public func saveState(into store: any KeyedStateStore) throws {
        let ts = max(watermarkSeen, 0)
        for k in removed { try store.delete(Self.windowKey(k)) }
        for k in dirty.sorted() { if let w = windows[k] { try store.put(Self.windowKey(k), StateCodec.encode(w), timestamp: ts) } }
        try store.put(Self.metaKey, encodeMeta(), timestamp: ts)
        removed.removeAll()
        dirty.removeAll()
    }

    public func loadState(from store: any KeyedStateStore) throws {
        windows.removeAll()
        var profileMatches = true
        if let meta = store.get(Self.metaKey) { profileMatches = try decodeMeta(meta) }
        var discarded = 0
        try store.forEach { key, value in
            guard key.starts(with: Self.windowPrefix) else { return }
            guard profileMatches else { discarded += 1; return }
            let w = try StateCodec.decodeWindow(value, profile: profile, config: config)
            windows[w.key] = w
        }
        counters.discardedWindows += discarded
        countWindowRows = windows[nextCountWindow]?.rows ?? 0
        dirty.removeAll()
        removed.removeAll()
        detector = try Self.makeDetector(config)
        lastDetectorSignal = .none
    }

    /// The latest report summary for keys `latest`, `<topology>/<operator>` or the empty key; nil otherwise.
    public func lookup(key: [UInt8]) -> Fields? {
        let k = String(decoding: key, as: UTF8.self)
        guard k.isEmpty || k == "latest" || k == config.reportKey else { return nil }
        var f = Fields()
        f.append("operator", .string(config.operatorID))
        f.append("reference_profile_id", .string(profile.id))
        f.append("open_windows", .int(Int64(windows.count)))
        f.append("rows_in_open_windows", .int(Int64(windows.values.reduce(0) { $0 + $1.rows })))
        f.append("reports", .int(Int64(counters.reports)))
        f.append("actions", .int(Int64(counters.actions)))
        f.append("suppressed_actions", .int(Int64(counters.suppressedActions)))
        f.append("last_action_at", lastActionAt.map(Value.int) ?? .null)
        if let r = lastReport {
            f.append("report_id", .string(r.reportId))
            f.append("window_start", .int(r.windowStart))
            f.append("window_end", .int(r.windowEnd))
            f.append("n", .int(Int64(r.n)))
            f.append("dataset_drift", .bool(r.datasetDrift))
            f.append("drift_share", .double(r.driftShare))
            f.append("drifted_features", .array(r.driftedFeatures.map(Value.string)))
            f.append("detector_alarms", .int(Int64(r.detectorAlarms.count)))
        }
        if let p = lastPerformance { f.append("performance", .object(ReportFields.metrics(p))) }
        return f
    }

    func encodeMeta() -> [UInt8] {
        var e = ByteWriter(magic: Self.metaMagic, version: 1)
        e.raw(Array(profile.id.utf8))
        e.i64(nextCountWindow); e.i64(watermarkSeen); e.i64(Int64(performanceIndex))
        if let t = lastActionAt { e.u8(1); e.i64(t) } else { e.u8(0) }
        if let v = lastModelVersion { e.u8(1); e.raw(v) } else { e.u8(0) }
        let c = counters
        for v in [c.reports, c.failedReports, c.actions, c.suppressedActions, c.detectorAlarms, c.lateRecords,
                  c.invalidPerformanceRecords, c.discardedWindows] { e.i64(Int64(v)) }
        let latest = lastReport.flatMap { try? ReportEnvelope(report: $0, performance: lastPerformance).json() } ?? []
        e.raw(latest)
        return e.bytes
    }

    /// Restores the meta record; returns whether the checkpoint was taken with the same reference profile.
    func decodeMeta(_ bytes: [UInt8]) throws -> Bool {
        do {
            var d = try ByteReader(bytes, magic: Self.metaMagic, supported: 1...1)
            let pid = String(decoding: try d.raw(), as: UTF8.self)
            nextCountWindow = try d.i64(); watermarkSeen = try d.i64(); performanceIndex = Int(try d.i64())
            lastActionAt = try d.u8() == 1 ? try d.i64() : nil
            lastModelVersion = try d.u8() == 1 ? try d.raw() : nil
            var c = DriftCounters()
            c.reports = Int(try d.i64()); c.failedReports = Int(try d.i64()); c.actions = Int(try d.i64())
            c.suppressedActions = Int(try d.i64()); c.detectorAlarms = Int(try d.i64()); c.lateRecords = Int(try d.i64())
            c.invalidPerformanceRecords = Int(try d.i64()); c.discardedWindows = Int(try d.i64())
            counters = c
            let latest = try d.raw()
            try d.finish()
            if !latest.isEmpty {
                let env = try ReportEnvelope.decode(latest)
                lastReport = env.report
                lastPerformance = env.performance
            }
            return pid == profile.id
        } catch {
            throw DriftError(.corruptState, "drift operator '\(id)' meta state is unreadable: \(error)", context: ["operator": id])
        }
    }
}
