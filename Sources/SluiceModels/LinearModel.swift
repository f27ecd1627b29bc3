import Foundation

/// A `simple-linear-json/1` model: logistic or linear regression with optional standardisation.
///
/// All arithmetic is float64: `z_j = (x_j - mean_j) / scale_j` (or `x_j`),
/// `margin = intercept + Σ coef_j · z_j`. Logistic outputs `margin, probability, label`
/// (`probability = 1/(1+exp(-margin))`, `label = margin > 0 ? 1 : 0`); linear outputs `prediction`.
/// A missing (NaN) input propagates to NaN outputs (label 0): linear models have no missing-value rule.
public struct LinearModel: ScoringModel {
    public enum Kind: String, Sendable { case logistic, linear }

    public let kind: Kind
    public let featureNames: [String]
    public let coefficients: [Double]
    public let intercept: Double
    /// StandardScaler `mean_` and `scale_`, or nil when inputs are used as they are.
    public let standardize: (mean: [Double], scale: [Double])?

    public var format: ModelFormat { .linearJSON }
    public var outputNames: [String] { kind == .logistic ? ["margin", "probability", "label"] : ["prediction"] }

    /// Parses a `simple-linear-json/1` document.
    public init(json bytes: [UInt8]) throws(ModelError) {
        try self.init(document: try JSONParser.parse(bytes))
    }

    init(document root: JSONValue) throws(ModelError) {
        let format = try root.member("format", "$").string("$.format")
        guard format == "simple-linear-json/1" else {
            throw ModelError(.unsupported, "unsupported linear model format '\(format)' (expected simple-linear-json/1)",
                             detail: "field '$.format'")
        }
        let typeText = try root.member("type", "$").string("$.type")
        guard let kind = Kind(rawValue: typeText) else {
            throw ModelError(.unsupported, "unknown linear model type '\(typeText)' (expected logistic or linear)",
                             detail: "field '$.type'")
        }
        let features = try root.member("features", "$").strings("$.features")
        let coef = try root.member("coef", "$").doubles("$.coef")
        guard coef.count == features.count, !features.isEmpty else {
            throw ModelError(.invalidField, "coef has \(coef.count) values for \(features.count) features",
                             detail: "field '$.coef'")
        }
        let intercept = try root.member("intercept", "$").double("$.intercept")
        if let link = try root.optionalMember("link", "$") {
            let linkText = try link.string("$.link")
            let expected = kind == .logistic ? "logit" : "identity"
            guard linkText == expected else {
                throw ModelError(.unsupported, "link '\(linkText)' does not fit type '\(typeText)' (expected '\(expected)')",
                                 detail: "field '$.link'")
            }
        }
        var standardize: (mean: [Double], scale: [Double])?
        if let std = try root.optionalMember("standardize", "$") {
            let mean = try std.member("mean", "$.standardize").doubles("$.standardize.mean")
            let scale = try std.member("scale", "$.standardize").doubles("$.standardize.scale")
            guard mean.count == features.count, scale.count == features.count else {
                throw ModelError(.invalidField, "standardize.mean/scale must have \(features.count) values",
                                 detail: "field '$.standardize'")
            }
            if let bad = scale.firstIndex(of: 0) {
                throw ModelError(.invalidField, "scale must not be 0", detail: "field '$.standardize.scale[\(bad)]'")
            }
            standardize = (mean, scale)
        }
        self.kind = kind
        self.featureNames = features
        self.coefficients = coef
        self.intercept = intercept
        self.standardize = standardize
    }

    public func score(_ input: UnsafeBufferPointer<Double>, rows: Int, into output: UnsafeMutableBufferPointer<Double>) {
        let f = featureNames.count
        let width = kind == .logistic ? 3 : 1
        coefficients.withUnsafeBufferPointer { coef in
            for r in 0..<rows {
                let base = r * f
                var dot = 0.0
                if let standardize {
                    for j in 0..<f {
                        dot += coef[j] * ((input[base + j] - standardize.mean[j]) / standardize.scale[j])
                    }
                } else {
                    for j in 0..<f { dot += coef[j] * input[base + j] }
                }
                let margin = dot + intercept
                let o = r * width
                if kind == .logistic {
                    output[o] = margin
                    output[o + 1] = 1 / (1 + exp(-margin))
                    output[o + 2] = margin > 0 ? 1 : 0
                } else {
                    output[o] = margin
                }
            }
        }
    }
}
