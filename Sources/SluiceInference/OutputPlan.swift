import SluiceModels

/// How the `infer` operator reads a model's output columns: which one is the score,
/// which the label, which the class probabilities.
///
/// Derived from `ScoringModel.outputNames` (see docs/models.md):
/// - `probability` (binary XGBoost / LightGBM / logistic JSON) → score, classifier;
/// - exactly `prob_0, prob_1` (binary ONNX classifiers) → score = `prob_1`, classifier;
/// - more `prob_k` columns (multiclass) → score = highest class probability, classifier;
/// - `prediction` (regressors) → score, regressor;
/// - a single column (e.g. ONNX `variable`) → score, regressor.
public struct OutputPlan: Sendable, Equatable {
    public enum Score: Sendable, Equatable {
        case column(Int)
        /// Multiclass: the highest of these columns.
        case maxOf([Int])
    }

    public let score: Score
    /// The model's own `label` column, if any.
    public let labelColumn: Int?
    /// Class probability columns in class order (`prob_0…`); for a single `probability` column empty
    /// (the operator derives `[1-p, p]`).
    public let probabilityColumns: [Int]
    /// Whether the score is a probability (classifier) rather than a prediction (regressor).
    public let isClassifier: Bool
    /// The column holding the positive-class probability of a binary model that reports only one column.
    public let binaryProbabilityColumn: Int?

    public init(outputNames names: [String]) throws(InferenceError) {
        func index(_ n: String) -> Int? { names.firstIndex(of: n) }
        labelColumn = index("label")
        let probs = names.indices.compactMap { i -> (Int, Int)? in
            guard names[i].hasPrefix("prob_"), let k = Int(names[i].dropFirst(5)) else { return nil }
            return (k, i)
        }.sorted { $0.0 < $1.0 }.map(\.1)
        probabilityColumns = probs
        if let p = index("probability") {
            score = .column(p)
            isClassifier = true
            binaryProbabilityColumn = p
        } else if probs.count == 2 {
            score = .column(probs[1])
            isClassifier = true
            binaryProbabilityColumn = nil
        } else if probs.count > 2 {
            score = .maxOf(probs)
            isClassifier = true
            binaryProbabilityColumn = nil
        } else if let p = index("prediction") {
            score = .column(p)
            isClassifier = false
            binaryProbabilityColumn = nil
        } else if names.count == 1 {
            score = .column(0)
            isClassifier = false
            binaryProbabilityColumn = nil
        } else {
            throw InferenceError(.unsupportedOutputs,
                                 "cannot tell which model output is the score among \(names); expected 'probability', "
                                     + "'prob_0…', 'prediction' or a single output")
        }
    }

    /// The score of one output row.
    @inline(__always)
    func score(_ row: UnsafeBufferPointer<Double>) -> Double {
        switch score {
        case .column(let c): return row[c]
        case .maxOf(let cols):
            var best = -Double.infinity
            for c in cols where row[c] > best { best = row[c] }
            return best == -Double.infinity ? .nan : best
        }
    }
}
