import SluiceStats

/// The `drift` operator's settings, mirroring the topology's `DriftOperator` (the engine maps one onto the
/// other) without depending on `SluiceTopology`.
///
/// ```swift
/// let config = DriftOperatorConfig(topology: "fraud", operatorID: "drift-monitor", features: ["amount", "country"],
///                                  window: .tumbling(sizeMs: 3_600_000), reportTopic: "drift-reports")
/// ```
public struct DriftOperatorConfig: Sendable, Equatable {
    /// How records are grouped into reports.
    public enum Window: Sendable, Equatable {
        /// Event-time tumbling windows `[k·size, (k+1)·size)`, closed when the watermark reaches the end.
        case tumbling(sizeMs: Int64)
        /// Every `n` main-input records.
        case count(Int)
    }

    /// Test names as the topology spells them.
    public enum Test: String, Sendable, Equatable, CaseIterable {
        case ks, psi, js, wasserstein, chi2

        /// The SluiceStats test.
        public var driftTest: DriftTest {
            switch self {
            case .ks: .ks
            case .psi: .psi
            case .js: .jensenShannon
            case .wasserstein: .wasserstein
            case .chi2: .chiSquare
            }
        }
    }

    /// An explicit test for one feature; `threshold` nil = the test's default.
    public struct FeatureTest: Sendable, Equatable {
        public var feature: String
        public var test: Test
        public var threshold: Double?
        public init(feature: String, test: Test, threshold: Double? = nil) {
            self.feature = feature; self.test = test; self.threshold = threshold
        }
    }

    /// Performance metrics computed per window from the second input.
    public enum Metric: String, Sendable, Equatable, CaseIterable {
        case auc, logLoss = "log_loss", accuracy, precision, recall, f1, brier, mae, rmse

        /// True for metrics of a regression model.
        public var isRegression: Bool { self == .mae || self == .rmse }
    }

    /// Streaming detector fed the per-record error of the performance stream.
    public enum Detector: String, Sendable, Equatable, CaseIterable {
        case adwin, ddm, pageHinkley = "page_hinkley", kswin
    }

    /// Performance drift: records arriving on `InputSide.right` carry a label and a prediction.
    public struct Performance: Sendable, Equatable {
        /// Id of the second input (informational: the engine delivers its records on `InputSide.right`).
        public var from: String
        public var label: String
        public var prediction: String
        public var metrics: [Metric]
        public var detector: Detector
        /// River parameter names for the detector (`delta`, `warm_start`, ...).
        public var detectorParams: [String: Double]
        /// A score >= threshold predicts the positive class.
        public var threshold: Double
        /// Prediction/label pairs kept per window for the exact AUC; beyond it a reservoir sample is kept.
        public var maxStoredPairs: Int

        public init(from: String, label: String, prediction: String, metrics: [Metric] = [.auc], detector: Detector = .adwin,
                    detectorParams: [String: Double] = [:], threshold: Double = 0.5, maxStoredPairs: Int = 100_000) {
            self.from = from; self.label = label; self.prediction = prediction; self.metrics = metrics
            self.detector = detector; self.detectorParams = detectorParams; self.threshold = threshold
            self.maxStoredPairs = maxStoredPairs
        }

        /// Regression when every requested metric is a regression metric (mae, rmse); classification otherwise.
        public var isRegression: Bool { !metrics.isEmpty && metrics.allSatisfy(\.isRegression) }
    }

    /// What to do when a report shows dataset drift or a detector raised a drift alarm.
    public struct OnDrift: Sendable, Equatable {
        /// Topic for `RetrainRequest`s.
        public var publishTopic: String?
        /// The `infer` operator whose model is rolled back (passed to the rollback hook).
        public var rollback: String?
        /// Minimum event time (ms) between two actions; actions inside it are suppressed and counted.
        public var cooldownMs: Int64
        /// Model name in retraining requests (nil = the rollback operator id, else the drift operator id).
        public var model: String?

        public init(publishTopic: String? = nil, rollback: String? = nil, cooldownMs: Int64 = 3_600_000, model: String? = nil) {
            self.publishTopic = publishTopic; self.rollback = rollback; self.cooldownMs = cooldownMs; self.model = model
        }
    }

    public var topology: String
    public var operatorID: String
    public var features: [String]
    public var window: Window
    public var tests: [FeatureTest]
    /// Dataset drift when (drifted features / features) >= this.
    public var driftShare: Double
    /// Prediction field monitored as a numeric feature (when the reference profile has it).
    public var prediction: String?
    public var performance: Performance?
    public var reportTopic: String?
    public var onDrift: OnDrift?
    /// KLL accuracy parameter of the window sketches.
    public var sketchK: Int
    /// New category names counted per feature and window before they fold into `__other_new__`.
    public var maxNewCategories: Int

    public init(topology: String, operatorID: String, features: [String], window: Window, tests: [FeatureTest] = [],
                driftShare: Double = 0.5, prediction: String? = nil, performance: Performance? = nil,
                reportTopic: String? = nil, onDrift: OnDrift? = nil, sketchK: Int = 200, maxNewCategories: Int = 100) {
        self.topology = topology; self.operatorID = operatorID; self.features = features; self.window = window
        self.tests = tests; self.driftShare = driftShare; self.prediction = prediction; self.performance = performance
        self.reportTopic = reportTopic; self.onDrift = onDrift; self.sketchK = sketchK; self.maxNewCategories = maxNewCategories
    }

    /// `<topology>/<operator>`: the key of published reports and requests.
    public var reportKey: String { "\(topology)/\(operatorID)" }

    /// The comparator configuration: per-feature tests and the drift share (per-feature thresholds are applied
    /// to the report afterwards, see `DriftStage`).
    public func driftConfig() throws(DriftError) -> DriftConfig {
        do {
            return try DriftConfig(featureTests: Dictionary(tests.map { ($0.feature, $0.test.driftTest) }) { $1 },
                                   driftShare: driftShare)
        } catch {
            throw DriftError(.invalidConfig, error.message, context: ["operator": operatorID])
        }
    }

    /// Checks sizes, shares and thresholds. - Throws: `invalidConfig`.
    public func validate() throws(DriftError) {
        func bad(_ m: String) -> DriftError { DriftError(.invalidConfig, m, context: ["operator": operatorID]) }
        switch window {
        case .tumbling(let ms) where ms <= 0: throw bad("tumbling window size must be positive, got \(ms) ms")
        case .count(let n) where n <= 0: throw bad("count window must hold at least one record, got \(n)")
        default: break
        }
        guard (0...1).contains(driftShare) else { throw bad("drift_share must be in 0...1, got \(driftShare)") }
        guard !features.isEmpty || prediction != nil else { throw bad("drift needs at least one feature") }
        for t in tests {
            if let th = t.threshold, !(th.isFinite && th >= 0) { throw bad("threshold of '\(t.feature)' must be >= 0, got \(th)") }
        }
        if let p = performance {
            guard p.maxStoredPairs >= 2 else { throw bad("performance.maxStoredPairs must be >= 2") }
            guard (0...1).contains(p.threshold) else { throw bad("performance threshold must be in 0...1, got \(p.threshold)") }
        }
        if let od = onDrift, od.cooldownMs < 0 { throw bad("on_drift cooldown must be >= 0") }
    }
}
