/// Configuration of an `infer` operator (`type: infer` in a topology).
///
/// ```swift
/// let config = InferConfig(id: "score", model: .registry(registry, name: "fraud"),
///                          features: ["amount", "hour"],
///                          output: .init(score: "fraud_score", label: "is_fraud", threshold: 0.8))
/// ```
public struct InferConfig: Sendable {
    /// Where the model comes from.
    public enum ModelSource: Sendable {
        /// A model file; the version never changes.
        case file(String)
        /// A registry model. `version: "active"` follows the registry (activate, rollback, canary, shadow);
        /// any other version pins that version.
        case registry(ModelRegistry, name: String, version: String = "active")
    }

    /// Which fields the operator writes.
    public struct Output: Sendable, Equatable {
        /// The score: positive-class probability for binary classifiers, highest class probability for
        /// multiclass, the prediction for regressors.
        public var score: String
        /// The label field, or `nil` for none. With `threshold`: `score >= threshold ? 1 : 0`;
        /// without: the model's own `label` output (classifiers only).
        public var label: String?
        public var threshold: Double?
        /// When set, class probabilities are written as `<prefix>0`, `<prefix>1`, …
        public var probabilitiesPrefix: String?

        public init(score: String = "score", label: String? = nil, threshold: Double? = nil,
                    probabilitiesPrefix: String? = nil) {
            self.score = score
            self.label = label
            self.threshold = threshold
            self.probabilitiesPrefix = probabilitiesPrefix
        }
    }

    public var id: String
    public var model: ModelSource
    /// The record fields fed to the model; must be exactly the model's features (in any order).
    public var features: [String]
    public var output: Output
    /// At most this many rows per model call (`batch.max`).
    public var batchMax: Int
    /// The field whose value decides the canary routing; `nil` uses the record key.
    public var routingField: String?

    public init(id: String, model: ModelSource, features: [String], output: Output = Output(), batchMax: Int = 256,
                routingField: String? = nil) {
        self.id = id
        self.model = model
        self.features = features
        self.output = output
        self.batchMax = batchMax
        self.routingField = routingField
    }

    func validate() throws(InferenceError) {
        func fail(_ message: String) -> InferenceError { InferenceError(.invalidConfig, "infer '\(id)': \(message)") }
        guard batchMax > 0 else { throw fail("batch.max must be positive, got \(batchMax)") }
        guard !features.isEmpty else { throw fail("features must list at least one field") }
        guard Set(features).count == features.count else { throw fail("features lists a field twice: \(features)") }
        guard !output.score.isEmpty else { throw fail("output.score must name a field") }
        if output.threshold != nil, output.label == nil { throw fail("output.threshold needs output.label") }
        if let t = output.threshold, !t.isFinite { throw fail("output.threshold must be a finite number") }
    }
}
