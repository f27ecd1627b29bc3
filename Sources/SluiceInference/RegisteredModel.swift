import Crypto
import Foundation
import SluiceModels

/// One loaded and verified model version: the scoring model with its metadata and checksum.
///
/// Immutable and shared between threads: the registry hands the same instance to every operator.
public final class RegisteredModel: Sendable {
    public let name: String
    public let version: String
    public let meta: ModelMeta
    public let model: any ScoringModel
    /// SHA-256 of the model file (lowercase hex), as verified at load.
    public let sha256: String
    /// The model file.
    public let path: String
    /// How the `infer` operator reads this model's outputs.
    public let outputPlan: OutputPlan

    /// The model file names a version directory may hold (exactly one of them).
    public static let modelFileNames = ["model.json", "model.txt", "model.onnx"]

    init(meta: ModelMeta, model: any ScoringModel, sha256: String, path: String) throws(InferenceError) {
        self.name = meta.name
        self.version = meta.version
        self.meta = meta
        self.model = model
        self.sha256 = sha256
        self.path = path
        do {
            self.outputPlan = try OutputPlan(outputNames: model.outputNames)
        } catch {
            var e = error
            e.model = meta.name
            e.version = meta.version
            e.path = path
            throw e
        }
    }

    /// Loads a model file outside any registry (`model: {file: ...}` in a topology).
    /// Its name is the file name without extension, its version the first 12 hex digits of its SHA-256.
    public static func load(file path: String, featureNames: [String]? = nil) throws(InferenceError) -> RegisteredModel {
        let bytes = try readBytes(path)
        let sha = sha256Hex(bytes)
        let url = URL(fileURLWithPath: path)
        let model = try loadModel(bytes: bytes, path: path, featureNames: featureNames, name: nil, version: nil)
        let meta = ModelMeta(name: url.deletingPathExtension().lastPathComponent, version: String(sha.prefix(12)),
                             format: model.format.rawValue, features: model.featureNames, createdAt: "", sha256: sha)
        return try RegisteredModel(meta: meta, model: model, sha256: sha, path: path)
    }

    /// Loads `<directory>/meta.yaml` and its model file, verifying checksum, format and features.
    static func load(directory: String, name: String, version: String) throws(InferenceError) -> RegisteredModel {
        let metaPath = directory + "/meta.yaml"
        guard FileManager.default.fileExists(atPath: metaPath) else {
            throw InferenceError(.invalidMeta, "the version directory has no meta.yaml", model: name, version: version,
                                 path: directory)
        }
        let metaText = String(decoding: try readBytes(metaPath), as: UTF8.self)
        let meta = try ModelMeta.parse(yaml: metaText, path: metaPath)
        guard meta.name == name, meta.version == version else {
            throw InferenceError(.invalidMeta, "meta.yaml says \(meta.name)/\(meta.version) but lives in \(name)/\(version)",
                                 model: name, version: version, path: metaPath)
        }
        let present = modelFileNames.filter { FileManager.default.fileExists(atPath: directory + "/" + $0) }
        guard present.count == 1 else {
            throw InferenceError(.invalidMeta, "a version directory must hold exactly one of \(modelFileNames), found \(present)",
                                 model: name, version: version, path: directory)
        }
        let path = directory + "/" + present[0]
        let bytes = try readBytes(path)
        let sha = sha256Hex(bytes)
        guard sha == meta.sha256.lowercased() else {
            throw InferenceError(.checksumMismatch,
                                 "model file SHA-256 is \(sha) but meta.yaml expects \(meta.sha256): the file was changed "
                                     + "or corrupted; re-register the version", model: name, version: version, path: path)
        }
        let model = try loadModel(bytes: bytes, path: path, featureNames: meta.features, name: name, version: version)
        guard model.format.rawValue == meta.format else {
            throw InferenceError(.invalidMeta, "meta.yaml format '\(meta.format)' but the file is '\(model.format.rawValue)' "
                                     + "(one of \(ModelFormat.allCases.map(\.rawValue)))", model: name, version: version,
                                 path: metaPath)
        }
        if let message = FeatureCheck.mismatch(expected: meta.features, actual: model.featureNames,
                                               expectedLabel: "meta.yaml", actualLabel: "the model file") {
            throw InferenceError(.featureMismatch, message, model: name, version: version, path: path)
        }
        return try RegisteredModel(meta: meta, model: model, sha256: sha, path: path)
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    static func readBytes(_ path: String) throws(InferenceError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw InferenceError(.io, "cannot read file: \(error.localizedDescription)", path: path)
        }
    }

    private static func loadModel(bytes: [UInt8], path: String, featureNames: [String]?, name: String?,
                                  version: String?) throws(InferenceError) -> any ScoringModel {
        do {
            return try ModelLoader.load(bytes: bytes, fileExtension: URL(fileURLWithPath: path).pathExtension,
                                        featureNames: featureNames)
        } catch {
            throw InferenceError(.modelLoad, "\(error)", model: name, version: version, path: path)
        }
    }
}

/// Compares feature lists and describes the difference.
enum FeatureCheck {
    /// `nil` when the lists are equal (order included); otherwise a message naming missing / extra features.
    static func mismatch(expected: [String], actual: [String], expectedLabel: String, actualLabel: String,
                         orderMatters: Bool = true) -> String? {
        if expected == actual || (!orderMatters && Set(expected) == Set(actual) && expected.count == actual.count) {
            return nil
        }
        let missing = expected.filter { !actual.contains($0) }
        let extra = actual.filter { !expected.contains($0) }
        if missing.isEmpty && extra.isEmpty {
            return "\(expectedLabel) and \(actualLabel) list the same features in a different order: "
                + "\(expected) vs \(actual)"
        }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing from \(actualLabel): \(missing)") }
        if !extra.isEmpty { parts.append("not in \(expectedLabel): \(extra)") }
        return "feature lists differ — " + parts.joined(separator: "; ")
    }
}
