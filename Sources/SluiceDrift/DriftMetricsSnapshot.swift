import SluiceStats

/// Running counts of a drift operator.
public struct DriftCounters: Sendable, Equatable {
    /// Reports built (one per closed window).
    public var reports = 0
    /// Windows whose report could not be built or encoded (see `lastError`).
    public var failedReports = 0
    /// On-drift actions taken (retraining request and/or rollback).
    public var actions = 0
    /// Actions skipped because the cool-down since the last action had not passed.
    public var suppressedActions = 0
    /// Detector drift alarms raised.
    public var detectorAlarms = 0
    /// Records whose window had already closed.
    public var lateRecords = 0
    /// Performance records without a usable label or prediction (dead-lettered).
    public var invalidPerformanceRecords = 0
    /// Checkpointed windows discarded on restore because the reference profile changed.
    public var discardedWindows = 0
    public var lastError: String?

    public init() {}
}

/// One feature's latest statistic, for `sluice_drift_statistic{feature,test}` and `sluice_drift_drifted`.
public struct FeatureStatistic: Sendable, Equatable {
    public var feature: String
    public var test: DriftTest
    public var statistic: Double
    public var pValue: Double?
    public var threshold: Double
    public var drifted: Bool
}

/// What the metrics exporter reads from a drift operator: the latest report's per-feature statistics and
/// verdicts, the latest performance metrics and the counters.
public struct DriftMetricsSnapshot: Sendable, Equatable {
    public var features: [FeatureStatistic]
    public var datasetDrift: Bool
    public var driftShare: Double
    /// End of the latest reported window (epoch ms), nil before the first report.
    public var lastWindowEnd: Int64?
    public var performance: PerformanceMetrics?
    public var counters: DriftCounters
    public var openWindows: Int

    init(report: DriftReport?, performance: PerformanceMetrics?, counters: DriftCounters, openWindows: Int) {
        features = (report?.features ?? []).map {
            FeatureStatistic(feature: $0.name, test: $0.test, statistic: $0.statistic, pValue: $0.pValue,
                             threshold: $0.threshold, drifted: $0.drifted)
        }
        datasetDrift = report?.datasetDrift ?? false
        driftShare = report?.driftShare ?? 0
        lastWindowEnd = report?.windowEnd
        self.performance = performance
        self.counters = counters
        self.openWindows = openWindows
    }
}
