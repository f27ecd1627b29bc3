import Foundation

/// The LightGBM objectives SluiceModels can score, by output transform.
enum LightGBMObjective: Sendable, Equatable {
    /// `binary sigmoid:k`: `1/(1+exp(-k·raw))`.
    case binary(sigmoid: Double)
    /// `cross_entropy` / `xentropy`: plain sigmoid.
    case crossEntropy
    /// Identity regressions (`regression`, `regression_l1`, `huber`, `fair`, `quantile`, `mape`);
    /// `sqrt` means the label was square-rooted in training, so the prediction is `sign(raw)·raw²`.
    case identity(sqrt: Bool)
    /// `poisson`, `gamma`, `tweedie`: `exp(raw)`.
    case exponential
    /// `multiclass num_class:K`: softmax over K raw scores.
    case softmax(classes: Int)
    /// `multiclassova num_class:K sigmoid:k`: one sigmoid per class.
    case oneVsAll(classes: Int, sigmoid: Double)

    /// Parses the header line value, e.g. `binary sigmoid:1` or `multiclass num_class:3`.
    init(text: String) throws(ModelError) {
        let tokens = text.split(separator: " ")
        guard let name = tokens.first else {
            throw ModelError(.missingField, "objective is empty", detail: "header 'objective'")
        }
        var options = [String: String]()
        for token in tokens.dropFirst() {
            let parts = token.split(separator: ":", maxSplits: 1)
            options[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        func number(_ key: String, default value: Double) throws(ModelError) -> Double {
            guard let text = options[key] else { return value }
            guard let v = Double(text), v.isFinite else {
                throw ModelError(.invalidField, "objective option \(key):\(text) is not a number", detail: "header 'objective'")
            }
            return v
        }
        func classes() throws(ModelError) -> Int {
            let k = try number("num_class", default: 0)
            guard k >= 1, k < 1e6, k.rounded() == k else {
                throw ModelError(.invalidField, "objective \(name) needs num_class:K", detail: "header 'objective'")
            }
            return Int(k)
        }
        switch name {
        case "binary": self = .binary(sigmoid: try number("sigmoid", default: 1))
        case "cross_entropy", "xentropy": self = .crossEntropy
        case "regression", "regression_l2", "l2", "mean_squared_error", "mse", "regression_l1", "l1",
             "mean_absolute_error", "mae", "huber", "fair", "quantile", "mape", "mean_absolute_percentage_error":
            self = .identity(sqrt: options["sqrt"] != nil)
        case "poisson", "gamma", "tweedie": self = .exponential
        case "multiclass", "softmax": self = .softmax(classes: try classes())
        case "multiclassova", "multiclass_ova", "ova", "ovr":
            self = .oneVsAll(classes: try classes(), sigmoid: try number("sigmoid", default: 1))
        default:
            throw ModelError(.unsupported, "LightGBM objective '\(name)' is not supported", detail: "header 'objective'")
        }
    }

    var classes: Int {
        switch self {
        case .softmax(let k), .oneVsAll(let k, _): k
        default: 1
        }
    }

    var outputNames: [String] {
        switch self {
        case .binary, .crossEntropy: ["raw_score", "probability"]
        case .identity, .exponential: ["raw_score", "prediction"]
        case .softmax(let k), .oneVsAll(let k, _):
            (0..<k).map { "raw_score_\($0)" } + (0..<k).map { "prob_\($0)" } + ["label"]
        }
    }

    /// Writes the outputs for one row from its raw scores (float64 throughout).
    @inline(__always)
    func write(_ raw: UnsafeMutablePointer<Double>, to output: UnsafeMutableBufferPointer<Double>, at o: Int) {
        switch self {
        case .binary(let k):
            output[o] = raw[0]
            output[o + 1] = 1 / (1 + exp(-k * raw[0]))
        case .crossEntropy:
            output[o] = raw[0]
            output[o + 1] = 1 / (1 + exp(-raw[0]))
        case .identity(let sqrt):
            output[o] = raw[0]
            output[o + 1] = sqrt ? (raw[0] < 0 ? -raw[0] * raw[0] : raw[0] * raw[0]) : raw[0]
        case .exponential:
            output[o] = raw[0]
            output[o + 1] = exp(raw[0])
        case .softmax(let k):
            var maxValue = raw[0]
            var best = 0
            for c in 1..<max(k, 1) where raw[c] > maxValue { maxValue = raw[c]; best = c }
            var total = 0.0
            for c in 0..<k { total += exp(raw[c] - maxValue) }
            for c in 0..<k {
                output[o + c] = raw[c]
                output[o + k + c] = exp(raw[c] - maxValue) / total
            }
            output[o + 2 * k] = Double(best)
        case .oneVsAll(let k, let s):
            var best = 0
            for c in 0..<k {
                output[o + c] = raw[c]
                output[o + k + c] = 1 / (1 + exp(-s * raw[c]))
                if raw[c] > raw[best] { best = c }
            }
            output[o + 2 * k] = Double(best)
        }
    }
}
