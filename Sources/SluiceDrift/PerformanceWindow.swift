import Foundation

/// One window's model-performance accumulator, fed (prediction, label) pairs from the performance input.
///
/// Classification keeps confusion counts and log-loss / Brier sums exactly, and (score, label) pairs for the
/// exact AUC: up to `maxStoredPairs`, then a uniform reservoir sample of that size (Vitter's algorithm R with
/// a seeded SplitMix64, so replays are deterministic) — memory stays bounded whatever the window size and
/// the AUC becomes an estimate (`auc_sampled` in the metrics). Regression keeps absolute and squared error sums.
struct PerformanceWindow: Equatable {
    let isRegression: Bool
    let threshold: Double
    let maxStoredPairs: Int
    var n = 0
    var tp = 0, fp = 0, tn = 0, fn = 0
    var logLossSum = 0.0, brierSum = 0.0
    var absErrorSum = 0.0, squaredErrorSum = 0.0
    var scores: [Double] = []
    var labels: [Double] = []
    var rng: UInt64

    init(isRegression: Bool, threshold: Double, maxStoredPairs: Int, seed: UInt64) {
        self.isRegression = isRegression
        self.threshold = threshold
        self.maxStoredPairs = maxStoredPairs
        rng = seed
    }

    /// Probabilities are clipped to [ε, 1 − ε] (ε = machine epsilon, as scikit-learn's `log_loss`) so a
    /// confident wrong prediction costs a large but finite amount.
    static let clip = Double.ulpOfOne

    /// Adds one pair and returns the per-record error fed to the streaming detector:
    /// classification 1 when the thresholded prediction is wrong, else 0; regression |prediction − label|.
    mutating func add(prediction p: Double, label y: Double) -> Double {
        n += 1
        let e = p - y
        absErrorSum += abs(e)
        squaredErrorSum += e * e
        if isRegression { return abs(e) }
        let positive = y == 1
        let predicted = p >= threshold
        switch (predicted, positive) {
        case (true, true): tp += 1
        case (true, false): fp += 1
        case (false, false): tn += 1
        case (false, true): fn += 1
        }
        let pc = min(max(p, Self.clip), 1 - Self.clip)
        logLossSum -= positive ? log(pc) : log(1 - pc)
        brierSum += e * e
        store(score: p, label: y)
        return predicted == positive ? 0 : 1
    }

    private mutating func store(score: Double, label: Double) {
        if scores.count < maxStoredPairs {
            scores.append(score); labels.append(label)
            return
        }
        let j = Int(nextRandom() % UInt64(n))
        if j < maxStoredPairs { scores[j] = score; labels[j] = label }
    }

    private mutating func nextRandom() -> UInt64 {
        rng &+= 0x9e37_79b9_7f4a_7c15
        var z = rng
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// The requested metrics of this window.
    func metrics(_ requested: [DriftOperatorConfig.Metric]) -> PerformanceMetrics {
        var m = PerformanceMetrics(n: n)
        guard n > 0 else { return m }
        let nd = Double(n)
        for metric in requested {
            switch metric {
            case .mae: m.mae = absErrorSum / nd
            case .rmse: m.rmse = (squaredErrorSum / nd).squareRoot()
            case _ where isRegression: break
            case .accuracy: m.accuracy = Double(tp + tn) / nd
            case .precision: m.precision = precision
            case .recall: m.recall = recall
            case .f1: m.f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            case .logLoss: m.logLoss = logLossSum / nd
            case .brier: m.brier = brierSum / nd
            case .auc:
                m.auc = Self.auc(scores: scores, labels: labels)
                m.aucSampled = n > scores.count
            }
        }
        if !isRegression { m.threshold = threshold }
        return m
    }

    /// tp / (tp + fp); 0 when nothing was predicted positive (scikit-learn's `zero_division` result).
    var precision: Double { tp + fp > 0 ? Double(tp) / Double(tp + fp) : 0 }
    /// tp / (tp + fn); 0 when there are no positives.
    var recall: Double { tp + fn > 0 ? Double(tp) / Double(tp + fn) : 0 }

    /// Exact ROC AUC by ranking (Mann–Whitney U, tied scores get their average rank); nil with one class only.
    static func auc(scores: [Double], labels: [Double]) -> Double? {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var positives = 0.0, rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let avgRank = Double(i + j) / 2 + 1
            for k in i...j where labels[order[k]] == 1 { positives += 1; rankSum += avgRank }
            i = j + 1
        }
        let negatives = Double(order.count) - positives
        guard positives > 0, negatives > 0 else { return nil }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }
}

/// Model-performance metrics of one window (JSON keys snake_case). Only requested metrics are present.
public struct PerformanceMetrics: Sendable, Codable, Equatable {
    /// Labelled predictions in the window.
    public var n: Int
    public var accuracy: Double?
    public var precision: Double?
    public var recall: Double?
    public var f1: Double?
    /// ROC AUC; nil when the window holds a single class.
    public var auc: Double?
    /// True when the AUC was computed on a reservoir sample (more pairs than `maxStoredPairs`).
    public var aucSampled: Bool?
    public var logLoss: Double?
    public var brier: Double?
    public var mae: Double?
    public var rmse: Double?
    /// Classification threshold used for accuracy, precision, recall and F1.
    public var threshold: Double?

    public init(n: Int) { self.n = n }

    enum CodingKeys: String, CodingKey {
        case n, accuracy, precision, recall, f1, auc, brier, mae, rmse, threshold
        case aucSampled = "auc_sampled", logLoss = "log_loss"
    }
}
