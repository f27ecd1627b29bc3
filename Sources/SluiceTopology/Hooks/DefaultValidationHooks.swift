import Foundation

/// Self-contained checks: a lexical expression scan, models located on disk (features read from
/// linear-JSON or XGBoost-JSON files), referenced files present and, for JSON ones, parseable.
public struct DefaultValidationHooks: ValidationHooks {
    public init() {}

    public func checkExpression(_ text: String) -> ExpressionCheck { ExpressionScanner.scan(text) }

    public func checkFile(_ path: String, purpose: FilePurpose) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            return "\(purpose.rawValue) '\(path)' does not exist or cannot be read"
        }
        if (try? JSONSerialization.jsonObject(with: data)) == nil {
            return "\(purpose.rawValue) '\(path)' is not valid JSON"
        }
        return nil
    }

    public func checkModel(_ spec: ModelSpec) -> ModelCheck {
        switch spec.origin {
        case .file(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                return ModelCheck(featureNames: nil, errors: ["model file '\(path)' does not exist"])
            }
            return ModelCheck(featureNames: Self.featureNames(path))
        case .registry(let directory, let name, let version):
            let versions = ModelRegistryLayout.versions(in: directory)
            guard !versions.isEmpty else {
                return ModelCheck(featureNames: nil, errors: ["model registry '\(directory)' for '\(name)' has no version directories (v1, v2, …)"])
            }
            let chosen: Int
            switch version {
            case .number(let n):
                guard versions.contains(n) else {
                    return ModelCheck(featureNames: nil, errors: ["model registry '\(directory)' has no version v\(n); it has \(versions.map { "v\($0)" }.joined(separator: ", "))"])
                }
                chosen = n
            case .active:
                chosen = ModelRegistryLayout.activeVersion(in: directory) ?? versions.max()!
            }
            guard let file = ModelRegistryLayout.modelFile(in: directory, version: chosen) else {
                return ModelCheck(featureNames: nil, errors: ["model registry version '\(directory)/v\(chosen)' holds no model file"])
            }
            return ModelCheck(featureNames: Self.featureNames(file))
        }
    }

    /// Feature names declared in a linear/logistic JSON model (`features`) or XGBoost JSON (`learner.feature_names`).
    static func featureNames(_ path: String) -> [String]? {
        guard path.hasSuffix(".json"), let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        if let features = object["features"] as? [String] { return features }
        if let learner = object["learner"] as? [String: Any], let names = learner["feature_names"] as? [String], !names.isEmpty { return names }
        return nil
    }
}

/// The on-disk layout of a model registry: `<dir>/v<N>/model.{json,txt,onnx}`, an optional `ACTIVE` file naming the version.
enum ModelRegistryLayout {
    static let modelFileNames = ["model.json", "model.txt", "model.onnx"]

    static func versions(in directory: String) -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name in name.hasPrefix("v") ? Int(name.dropFirst()) : nil }.sorted()
    }

    static func activeVersion(in directory: String) -> Int? {
        guard let data = FileManager.default.contents(atPath: directory + "/ACTIVE"),
              let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              text.hasPrefix("v") else { return nil }
        return Int(text.dropFirst())
    }

    static func modelFile(in directory: String, version: Int) -> String? {
        modelFileNames.map { "\(directory)/v\(version)/\($0)" }.first { FileManager.default.fileExists(atPath: $0) }
    }
}
