import Foundation
import SluiceModels
import SluiceOperators
import SluiceTopology

extension Engine {
    /// An engine with the standard operator set.
    public convenience init(topology: Topology, options: EngineOptions) throws {
        let resources = OperatorResources(topology: topology, logger: options.logger)
        try self.init(topology: topology, factory: try TaskFactory.standard(topology: topology, resources: resources), options: options)
        self.resources = resources
    }
}

/// The validation hooks of `sluice validate`: real expression parsing and real model loading (feature lists,
/// unsupported ONNX ops and malformed files are reported before deploy).
public enum StandardValidationHooks {
    public static func make() -> any ValidationHooks { ModelCheckingHooks(base: ExpressionValidationHooks()) }
}

struct ModelCheckingHooks: ValidationHooks {
    let base: ExpressionValidationHooks

    func checkExpression(_ text: String) -> ExpressionCheck { base.checkExpression(text) }
    func checkFile(_ path: String, purpose: FilePurpose) -> String? { base.checkFile(path, purpose: purpose) }

    func checkModel(_ spec: ModelSpec) -> ModelCheck {
        let baseCheck = base.checkModel(spec)
        guard baseCheck.errors.isEmpty else { return baseCheck }
        let path: String
        switch spec.origin {
        case .file(let p): path = p
        case .registry(let directory, let name, let version):
            guard let dir = Self.versionDirectory(registry: directory, name: name, version: version),
                let file = ["model.json", "model.txt", "model.onnx"].map({ dir + "/" + $0 }).first(where: FileManager.default.fileExists)
            else { return baseCheck }
            path = file
        }
        do {
            let model = try ModelLoader.load(contentsOf: path)
            return ModelCheck(featureNames: model.format == .onnx ? baseCheck.featureNames : model.featureNames, errors: [])
        } catch {
            return ModelCheck(featureNames: nil, errors: ["\(error)"])
        }
    }

    static func versionDirectory(registry: String, name: String, version: ModelSpec.Version) -> String? {
        let base = registryRoot(registry, name: name) + "/" + name
        switch version {
        case .number(let n): return base + "/v\(n)"
        case .active:
            if let data = FileManager.default.contents(atPath: base + "/state.json"),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let active = object["active"] as? String
            {
                return base + "/" + active
            }
            if let data = FileManager.default.contents(atPath: base + "/ACTIVE") {
                return base + "/" + String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return nil
        }
    }
}
