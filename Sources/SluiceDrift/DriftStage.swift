import SluiceCore
import SluiceStats

/// The `drift` operator: compares windows of the main input with a reference profile, tracks model
/// performance on the second input, publishes a `DriftReport` per window and acts on drift.
///
/// * Main input (`.main`/`.left`): records with the configured features (plus `prediction` when profiled).
///   Each feature feeds a `WindowAccumulator` on the profile's bins — memory is bounded whatever the window size.
/// * Second input (`.right`, the `performance.from` stream): records with a label and a prediction; per window
///   classification or regression metrics, and the per-record error feeds a streaming detector.
/// * Windows: event-time tumbling windows closed in `advance` once the watermark reaches their end, or count
///   windows closed after every `n` main records.
/// * On close: the report goes to `reportTopic` (JSON, key `<topology>/<operator>`) via `output.published` and
///   to the main output as a record; dataset drift or a detector drift alarm triggers `onDrift` (retraining
///   request + rollback hook) unless the event-time cool-down since the last action has not passed.
///
/// ```swift
/// let stage = try DriftStage(config: config, profile: profile) { inferID, reason in registry.rollback(inferID, reason) }
/// stage.process(batch, from: .main, context: ctx, into: &output)
/// stage.advance(context: ctx, into: &output)
/// ```
public final class DriftStage: StatefulOperator {
    /// Called with the `on_drift.rollback` operator id and a human-readable reason.
    public typealias RollbackHook = (_ operatorID: String, _ reason: String) -> Void

    /// Header carrying the model version of the scored record.
    public static let modelVersionHeader = "sluice-model-version"

    public let config: DriftOperatorConfig
    /// The reference profile restricted to the monitored features (its id is the original profile's id).
    public let profile: ReferenceProfile
    public var id: String { config.operatorID }

    let comparator: DriftComparator
    let thresholdOverrides: [String: Double]
    let rollback: RollbackHook?
    /// Scratch columns for reading features batch-wise.
    var scratch: ColumnScratch
    /// Main records already in the current count window.
    var countWindowRows = 0
    /// Records per column pass. Features are read column by column; 256 records (≈ 85 KB of record storage)
    /// stay in L2 across the passes, where 2048 doubled the cost per record in SluiceDriftBench.
    static let chunk = 256

    var windows: [Int64: DriftWindow] = [:]
    var nextCountWindow: Int64 = 0
    var watermarkSeen = Int64.min
    var detector: (any StreamingDetector)?
    var lastDetectorSignal = DetectorSignal.none
    var performanceIndex = 0
    var lastModelVersion: [UInt8]?
    var lastActionAt: Int64?
    var counters = DriftCounters()
    var lastReport: DriftReport?
    var lastPerformance: PerformanceMetrics?
    /// Windows changed or removed since the last `saveState`.
    var dirty: Set<Int64> = []
    var removed: Set<Int64> = []

    /// - Parameters:
    ///   - profile: the reference profile; every configured feature must be in it (`prediction` is monitored
    ///     only when it is).
    ///   - rollback: called when drift triggers an action and `onDrift.rollback` names an infer operator.
    /// - Throws: `invalidConfig` (window, thresholds, test not valid for the feature type, unknown detector
    ///   parameters), `unknownFeature`.
    public init(config: DriftOperatorConfig, profile full: ReferenceProfile, rollback: RollbackHook? = nil) throws(DriftError) {
        try config.validate()
        var names = config.features
        if let p = config.prediction, full.feature(p) != nil, !names.contains(p) { names.append(p) }
        var features: [FeatureProfile] = []
        for n in names {
            guard let f = full.feature(n) else {
                throw DriftError(.unknownFeature, "feature '\(n)' is not in reference profile \(full.id); rebuild the profile with it",
                                 context: ["feature": n, "operator": config.operatorID])
            }
            if !features.contains(where: { $0.name == n }) { features.append(f) }
        }
        var overrides: [String: Double] = [:]
        for t in config.tests {
            guard let f = features.first(where: { $0.name == t.feature }) else {
                throw DriftError(.invalidConfig, "test given for '\(t.feature)', which is not a monitored feature",
                                 context: ["feature": t.feature, "operator": config.operatorID])
            }
            if f.type == .categorical && (t.test == .ks || t.test == .wasserstein) {
                throw DriftError(.invalidConfig, "\(t.test.rawValue) cannot test categorical feature '\(f.name)'; use chi2, js or psi",
                                 context: ["feature": f.name, "operator": config.operatorID])
            }
            if let th = t.threshold { overrides[t.feature] = th }
        }
        // A copy of the full profile keeps its id (re-initialising would hash the features again).
        var sub = full
        sub.features = features.sorted { $0.name < $1.name }
        profile = sub
        comparator = DriftComparator(profile: sub, config: try config.driftConfig())
        thresholdOverrides = overrides
        self.config = config
        self.rollback = rollback
        scratch = ColumnScratch(slots: sub.features.map { FeatureSlot(name: $0.name, type: $0.type) }, capacity: Self.chunk)
        detector = try Self.makeDetector(config)
    }

    static func makeDetector(_ config: DriftOperatorConfig) throws(DriftError) -> (any StreamingDetector)? {
        guard let p = config.performance else { return nil }
        do { return try DetectorFactory.make(p.detector.rawValue, params: p.detectorParams) } catch {
            throw DriftError(.invalidConfig, error.message, context: ["operator": config.operatorID, "detector": p.detector.rawValue])
        }
    }

    public func process(_ batch: [Record], from side: InputSide, context: OperatorContext, into output: inout OperatorOutput) {
        if side == .right { processPerformance(batch, into: &output); return }
        // A local scratch: no exclusivity checks or reference counting on `self` in the inner loops.
        var scratch = ColumnScratch()
        swap(&scratch, &self.scratch)
        batch.withUnsafeBufferPointer { recs in
            var i = 0
            while i < recs.count {
                guard let key = windowKey(recs[i], into: &output) else { i += 1; continue }
                // The run: following records of the same window, up to the chunk size or the count window's end.
                var limit = min(recs.count, i + Self.chunk)
                if case .count(let n) = config.window { limit = min(limit, i + n - countWindowRows) }
                var end = i + 1
                while end < limit && sameWindow(recs[end], key) { end += 1 }
                add(UnsafeBufferPointer(rebasing: recs[i..<end]), to: key, scratch: &scratch)
                if case .count(let n) = config.window, countWindowRows >= n {
                    nextCountWindow += 1
                    close(key, into: &output)
                }
                i = end
            }
        }
        swap(&scratch, &self.scratch)
    }

    /// The window of a main record, or nil (after reporting it late) when its window has closed.
    func windowKey(_ r: Record, into output: inout OperatorOutput) -> Int64? {
        switch config.window {
        case .count: return nextCountWindow
        case .tumbling(let size):
            let t = EventTime.of(r)
            let key = EventTime.windowStart(t, size: size)
            guard key &+ size <= watermarkSeen else { return key }
            counters.lateRecords += 1
            output.late.append((r, "event time \(t) is in window [\(key), \(key &+ size)), closed at watermark \(watermarkSeen)"))
            return nil
        }
    }

    @inline(__always)
    func sameWindow(_ r: Record, _ key: Int64) -> Bool {
        switch config.window {
        case .count: true
        case .tumbling(let size): EventTime.windowStart(r.eventTime ?? r.timestamp, size: size) == key
        }
    }

    /// Adds a run of records of one window, feature by feature.
    func add(_ recs: UnsafeBufferPointer<Record>, to key: Int64, scratch: inout ColumnScratch) {
        if windows[key] == nil { windows[key] = newWindow(key) }
        var lo = Int64.max, hi = Int64.min
        for r in recs.indices {
            let t = recs[r].eventTime ?? recs[r].timestamp
            if t < lo { lo = t }
            if t > hi { hi = t }
            if !recs[r].headers.isEmpty { noteModelVersion(recs[r].headers) }
        }
        for j in scratch.slots.indices {
            var slot = scratch.slots[j]
            if slot.type == .numeric {
                scratch.numbers.withUnsafeMutableBufferPointer { col in
                    for r in recs.indices {
                        col[r] = slot.number(in: recs.baseAddress! + r)
                    }
                    windows[key]!.accumulators[j].add(contentsOf: UnsafeBufferPointer(rebasing: col[0..<recs.count]))
                }
            } else {
                for r in recs.indices {
                    scratch.categories.append(slot.category(in: recs.baseAddress! + r))
                }
                for c in scratch.categories { windows[key]!.accumulators[j].add(category: c) }
                scratch.categories.removeAll(keepingCapacity: true)
            }
            scratch.slots[j] = slot
        }
        windows[key]!.rows += recs.count
        windows[key]!.see(time: lo)
        windows[key]!.see(time: hi)
        if case .count = config.window { countWindowRows += recs.count }
        dirty.insert(key)
    }

    public func advance(context: OperatorContext, into output: inout OperatorOutput) {
        guard case .tumbling(let size) = config.window else { return }
        watermarkSeen = max(watermarkSeen, context.watermark)
        for key in windows.keys.sorted() where key &+ size <= watermarkSeen { close(key, into: &output) }
    }

    func newWindow(_ key: Int64) -> DriftWindow {
        let accs = profile.features.map {
            WindowAccumulator(profile: $0, sketchK: config.sketchK, maxNewCategories: config.maxNewCategories)
        }
        return DriftWindow(key: key, accumulators: accs, performance: config.performance.map { newPerformance(key, $0) })
    }

    /// The reservoir seed derives from the window key, so a replay samples the same pairs.
    func newPerformance(_ key: Int64, _ p: DriftOperatorConfig.Performance) -> PerformanceWindow {
        PerformanceWindow(isRegression: p.isRegression, threshold: p.threshold, maxStoredPairs: p.maxStoredPairs,
                          seed: UInt64(bitPattern: key) ^ 0x5eed_d71f)
    }

    func noteModelVersion(_ headers: [Header]) {
        for h in headers where h.name == Self.modelVersionHeader {
            if let v = h.value { lastModelVersion = v }
        }
    }

    /// Latest per-feature statistics and the operator's counters, for the metrics exporter.
    public func metricsSnapshot() -> DriftMetricsSnapshot {
        DriftMetricsSnapshot(report: lastReport, performance: lastPerformance, counters: counters, openWindows: windows.count)
    }
}
