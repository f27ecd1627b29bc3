import Foundation
import Yams

/// The contents of `<registry>/<name>/<version>/meta.yaml`.
///
/// ```yaml
/// name: fraud
/// version: v7
/// format: xgboost            # simple-linear-json | xgboost | lightgbm | onnx
/// features: [amount, log_amount, hour]
/// metrics: {auc: 0.93}
/// created_at: "2025-01-31T12:00:00Z"
/// sha256: 3f5a...            # of the model file, lowercase hex
/// ```
public struct ModelMeta: Sendable, Equatable, Codable {
    public var name: String
    public var version: String
    /// A `SluiceModels.ModelFormat` raw value.
    public var format: String
    /// Input column order; must equal the model file's feature names.
    public var features: [String]
    /// Offline evaluation metrics, free-form.
    public var metrics: [String: Double]
    /// ISO 8601 creation time.
    public var createdAt: String
    /// SHA-256 of the model file, lowercase hex.
    public var sha256: String

    enum CodingKeys: String, CodingKey {
        case name, version, format, features, metrics, sha256
        case createdAt = "created_at"
    }

    public init(name: String, version: String, format: String, features: [String], metrics: [String: Double] = [:],
                createdAt: String, sha256: String) {
        self.name = name
        self.version = version
        self.format = format
        self.features = features
        self.metrics = metrics
        self.createdAt = createdAt
        self.sha256 = sha256
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        version = try c.decode(String.self, forKey: .version)
        format = try c.decode(String.self, forKey: .format)
        features = try c.decode([String].self, forKey: .features)
        metrics = try c.decodeIfPresent([String: Double].self, forKey: .metrics) ?? [:]
        createdAt = try c.decodeIfPresent(String.self, forKey: .createdAt) ?? ""
        sha256 = try c.decode(String.self, forKey: .sha256)
    }

    /// Parses `meta.yaml` text; `path` is only used in the error.
    public static func parse(yaml: String, path: String) throws(InferenceError) -> ModelMeta {
        do {
            return try YAMLDecoder().decode(ModelMeta.self, from: yaml)
        } catch {
            throw InferenceError(.invalidMeta, "meta.yaml is not valid (needs name, version, format, features, sha256): \(error)",
                                 path: path)
        }
    }

    /// Renders the YAML written by `ModelRegistry.register`.
    public func yaml() throws(InferenceError) -> String {
        do {
            return try YAMLEncoder().encode(self)
        } catch {
            throw InferenceError(.invalidMeta, "cannot encode meta.yaml: \(error)", model: name, version: version)
        }
    }
}
