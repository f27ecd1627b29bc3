public import SluiceCore

/// Where `infer` gets its model.
public struct ModelSpec: Sendable, Hashable {
    public enum Version: Sendable, Hashable, CustomStringConvertible {
        case active
        case number(Int)
        public var description: String {
            switch self {
            case .active: "active"
            case .number(let n): "v\(n)"
            }
        }
    }

    public enum Origin: Sendable, Hashable {
        /// One model file (absolute path).
        case file(String)
        /// A registry directory (absolute), holding `<version>/` directories.
        case registry(directory: String, name: String, version: Version)
    }

    public var origin: Origin
    public var location: SourceLocation
}

/// `type: infer` — score records with a model, micro-batched, with rollout strategies.
public struct InferOperator: Sendable, Hashable {
    public struct Output: Sendable, Hashable {
        public var score: String
        public var label: String?
        public var threshold: Double
        /// Prefix of per-class probability fields (`p_` → `p_0`, `p_1`…).
        public var probabilitiesPrefix: String?
    }

    public struct Rollout: Sendable, Hashable {
        public enum Strategy: String, Sendable, Hashable, CaseIterable { case replace, canary, shadow }
        public var strategy: Strategy
        public var candidate: ModelSpec.Version?
        /// Share of keys (sticky by key hash) scored by the candidate, for `canary`.
        public var share: Double?
        public var shadowTopic: String?
    }

    public var common: OperatorCommon
    public var model: ModelSpec
    /// Feature fields in model order (from the topology, or from the model when omitted).
    public var features: [Located<String>]
    public var output: Output
    public var batchMax: Int
    public var batchMaxWaitMs: Int64
    public var rollout: Rollout?
    /// Topic carrying model activate/rollback commands.
    public var controlTopic: String?

    public var featureNames: [String] { features.map(\.value) }
}

/// `type: drift` — compare windows with a reference profile; performance drift once labels are joined.
public struct DriftOperator: Sendable, Hashable {
    public enum Test: String, Sendable, Hashable, CaseIterable { case ks, psi, js, wasserstein, chi2 }
    public enum Detector: String, Sendable, Hashable, CaseIterable {
        case adwin, ddm, pageHinkley = "page_hinkley", kswin
    }
    public enum Metric: String, Sendable, Hashable, CaseIterable {
        case auc, logLoss = "log_loss", accuracy, precision, recall, f1, brier, mae, rmse
    }

    public struct FeatureTest: Sendable, Hashable {
        public var feature: String
        public var test: Test
        public var threshold: Double
    }

    public struct Performance: Sendable, Hashable {
        public var from: StreamRef
        public var label: Located<String>
        public var prediction: Located<String>
        public var metrics: [Metric]
        public var detector: Detector
    }

    public struct OnDrift: Sendable, Hashable {
        public var publishTopic: String?
        /// The `infer` operator to roll back.
        public var rollback: Located<String>?
        public var cooldownMs: Int64
    }

    public var common: OperatorCommon
    /// Reference profile (absolute path).
    public var reference: String
    public var features: [Located<String>]
    public var window: Window
    /// Explicit tests; features without one use the drift module's default for their type.
    public var tests: [FeatureTest]
    /// Share of drifted features above which the dataset counts as drifted.
    public var driftShare: Double
    public var prediction: Located<String>?
    public var performance: Performance?
    public var reportTopic: String?
    public var onDrift: OnDrift?
}
