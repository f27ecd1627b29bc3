import Foundation

/// The XGBoost objectives SluiceModels can score, grouped by their output transform.
enum XGBoostObjective: Sendable {
    /// `binary:logistic`, `reg:logistic`: sigmoid of the margin; base_score is a probability.
    case logistic
    /// `binary:logitraw`: the margin only; base_score is a probability.
    case logitRaw
    /// `reg:squarederror` and other identity-link regressions.
    case identity
    /// `count:poisson`, `reg:gamma`, `reg:tweedie`: exp of the margin; base_score is a mean.
    case exponential
    /// `multi:softprob`, `multi:softmax`: softmax over `num_class` output groups.
    case softmax

    init(name: String) throws(ModelError) {
        switch name {
        case "binary:logistic", "reg:logistic": self = .logistic
        case "binary:logitraw": self = .logitRaw
        case "reg:squarederror", "reg:linear", "reg:squaredlogerror", "reg:pseudohubererror",
             "reg:absoluteerror", "reg:quantileerror":
            self = .identity
        case "count:poisson", "reg:gamma", "reg:tweedie": self = .exponential
        case "multi:softprob", "multi:softmax": self = .softmax
        default:
            throw ModelError(.unsupported, "XGBoost objective '\(name)' is not supported",
                             detail: "field 'learner.objective.name'")
        }
    }

    /// Output column names for `groups` output groups.
    func outputNames(groups: Int) -> [String] {
        switch self {
        case .logistic: ["margin", "probability"]
        case .logitRaw: ["margin"]
        case .identity, .exponential: ["margin", "prediction"]
        case .softmax:
            (0..<groups).map { "margin_\($0)" } + (0..<groups).map { "prob_\($0)" } + ["label"]
        }
    }

    /// Converts base_score to the base margin in float32, as XGBoost's `ProbToMargin` does.
    func baseMargin(_ score: Float) throws(ModelError) -> Float {
        switch self {
        case .logistic, .logitRaw:
            guard score > 0, score < 1 else {
                throw ModelError(.invalidField, "base_score \(score) must lie in (0, 1) for a logistic objective",
                                 detail: "field 'learner.learner_model_param.base_score'")
            }
            return -logf(Float(1) / score - Float(1))
        case .exponential:
            guard score > 0 else {
                throw ModelError(.invalidField, "base_score \(score) must be > 0 for a log-link objective",
                                 detail: "field 'learner.learner_model_param.base_score'")
            }
            return logf(score)
        case .identity, .softmax:
            return score
        }
    }

    /// Parses `base_score`: a bracketed list string ("[4.94E-1]", XGBoost 3.x), a plain number string, or a number.
    static func parseBaseScore(_ value: JSONValue) throws(ModelError) -> [Float] {
        let path = "learner.learner_model_param.base_score"
        if case .number = value { return [try value.float(path)] }
        var text = Substring(try value.string(path)).trimmingCharacters(in: .whitespaces)[...]
        if text.hasPrefix("[") && text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        var out = [Float]()
        for part in parts {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let v = Float(trimmed), v.isFinite else {
                throw ModelError(.invalidField, "base_score '\(text)' is not a number or a bracketed list of numbers",
                                 detail: "field '\(path)'")
            }
            out.append(v)
        }
        return out
    }
}
