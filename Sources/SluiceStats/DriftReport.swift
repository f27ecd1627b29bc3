import Foundation

/// The test used for a feature.
public enum DriftTest: String, Sendable, Codable, CaseIterable {
    /// Two-sample KS; drift when p < threshold (default 0.05).
    case ks
    /// Wasserstein-1 divided by the reference population std; drift when > threshold (default 0.1).
    case wasserstein
    /// PSI; drift when > threshold (default 0.2).
    case psi
    /// Chi-square contingency (reference vs current counts); drift when p < threshold (default 0.05).
    case chiSquare = "chi_square"
    /// Jensen–Shannon distance (base 2); drift when > threshold (default 0.1).
    case jensenShannon = "jensen_shannon"

    /// True for tests whose `statistic` is compared and false for p-value tests.
    public var isDistance: Bool { self == .wasserstein || self == .psi || self == .jensenShannon }
}

/// One feature's result in a `DriftReport`.
public struct FeatureDrift: Sendable, Codable, Equatable {
    public var name: String
    public var type: FeatureType
    public var test: DriftTest
    public var statistic: Double
    public var pValue: Double?
    public var threshold: Double
    public var drifted: Bool
    /// Current missing rate.
    public var missingRate: Double?
    public var referenceMissingRate: Double?
    /// Two-proportion z-test p-value of the missing-rate change.
    public var missingRatePValue: Double?
    public var missingRateDrifted: Bool?
    /// Categories seen in the window but not in the reference (sorted).
    public var newCategories: [String]?

    enum CodingKeys: String, CodingKey {
        case name, type, test, statistic, threshold, drifted
        case pValue = "p_value", missingRate = "missing_rate", referenceMissingRate = "reference_missing_rate"
        case missingRatePValue = "missing_rate_p_value", missingRateDrifted = "missing_rate_drifted"
        case newCategories = "new_categories"
    }

    /// Memberwise initialiser (optional fields default to nil).
    public init(name: String, type: FeatureType, test: DriftTest, statistic: Double, pValue: Double? = nil,
                threshold: Double, drifted: Bool, missingRate: Double? = nil, referenceMissingRate: Double? = nil,
                missingRatePValue: Double? = nil, missingRateDrifted: Bool? = nil, newCategories: [String]? = nil) {
        self.name = name; self.type = type; self.test = test; self.statistic = statistic; self.pValue = pValue
        self.threshold = threshold; self.drifted = drifted; self.missingRate = missingRate
        self.referenceMissingRate = referenceMissingRate; self.missingRatePValue = missingRatePValue
        self.missingRateDrifted = missingRateDrifted; self.newCategories = newCategories
    }
}

/// An alarm raised by a streaming detector during the window.
public struct DetectorAlarm: Sendable, Codable, Equatable {
    public var detector: String
    /// The monitored stream (e.g. `error_rate`, `prediction_mean`).
    public var metric: String
    public var signal: DetectorSignal
    /// Position in the metric stream.
    public var index: Int
    /// Event time (epoch ms), when known.
    public var at: Int64?

    public init(detector: String, metric: String, signal: DetectorSignal, index: Int, at: Int64? = nil) {
        self.detector = detector; self.metric = metric; self.signal = signal; self.index = index; self.at = at
    }
}

/// A drift report, published per window. Times are epoch milliseconds.
public struct DriftReport: Sendable, Codable, Equatable {
    public var reportId: String
    public var topology: String
    public var `operator`: String
    public var modelVersion: String?
    public var referenceProfileId: String
    public var windowStart: Int64
    public var windowEnd: Int64
    /// Rows in the window.
    public var n: Int
    public var features: [FeatureDrift]
    public var datasetDrift: Bool
    /// Share of features that drifted.
    public var driftShare: Double
    /// Share at or above which the dataset counts as drifted.
    public var driftShareThreshold: Double
    public var detectorAlarms: [DetectorAlarm]

    enum CodingKeys: String, CodingKey {
        case topology, n, features
        case reportId = "report_id", `operator` = "operator", modelVersion = "model_version"
        case referenceProfileId = "reference_profile_id", windowStart = "window_start", windowEnd = "window_end"
        case datasetDrift = "dataset_drift", driftShare = "drift_share", driftShareThreshold = "drift_share_threshold"
        case detectorAlarms = "detector_alarms"
    }

    /// Memberwise initialiser; `DriftComparator` builds reports, this one serves tests and replays.
    public init(reportId: String, topology: String, operator op: String, modelVersion: String? = nil,
                referenceProfileId: String, windowStart: Int64, windowEnd: Int64, n: Int, features: [FeatureDrift],
                datasetDrift: Bool, driftShare: Double, driftShareThreshold: Double, detectorAlarms: [DetectorAlarm] = []) {
        self.reportId = reportId; self.topology = topology; self.operator = op; self.modelVersion = modelVersion
        self.referenceProfileId = referenceProfileId; self.windowStart = windowStart; self.windowEnd = windowEnd
        self.n = n; self.features = features; self.datasetDrift = datasetDrift; self.driftShare = driftShare
        self.driftShareThreshold = driftShareThreshold; self.detectorAlarms = detectorAlarms
    }

    /// Names of drifted features, in report order.
    public var driftedFeatures: [String] { features.filter(\.drifted).map(\.name) }

    /// Key-sorted JSON.
    public func jsonData(pretty: Bool = false) throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return try enc.encode(self)
    }
}

/// Who the report is about and when.
public struct WindowContext: Sendable, Equatable {
    public var topology: String
    public var `operator`: String
    public var modelVersion: String?
    public var windowStart: Int64
    public var windowEnd: Int64

    public init(topology: String, operator op: String, modelVersion: String? = nil, windowStart: Int64, windowEnd: Int64) {
        self.topology = topology; self.operator = op; self.modelVersion = modelVersion
        self.windowStart = windowStart; self.windowEnd = windowEnd
    }
}

/// A request to retrain a model, published when a report shows dataset drift.
public struct RetrainRequest: Sendable, Codable, Equatable {
    /// Always `retrain_request`.
    public var type: String
    public var model: String
    public var referenceProfileId: String
    public var windowStart: Int64
    public var windowEnd: Int64
    public var driftedFeatures: [String]
    public var reportId: String
    public var topology: String

    enum CodingKeys: String, CodingKey {
        case type, model, topology
        case referenceProfileId = "reference_profile_id", windowStart = "window_start", windowEnd = "window_end"
        case driftedFeatures = "drifted_features", reportId = "report_id"
    }

    /// A request derived from a report.
    public init(report: DriftReport, model: String) {
        type = "retrain_request"
        self.model = model
        referenceProfileId = report.referenceProfileId
        windowStart = report.windowStart
        windowEnd = report.windowEnd
        driftedFeatures = report.driftedFeatures
        reportId = report.reportId
        topology = report.topology
    }
}
