import Foundation

/// Loads a model file of any supported format.
///
/// ```swift
/// let model = try ModelLoader.load(contentsOf: "models/fraud.json")
/// print(model.format, model.featureNames, model.outputNames)
/// ```
public enum ModelLoader {
    /// Loads the model at `path`, detecting the format from the extension and the content:
    /// `.onnx` → ONNX; `.json` → simple-linear-json/1 if it has `"format"`, XGBoost if it has `"learner"`;
    /// `.txt`/`.model`/other text starting with `tree` → LightGBM.
    ///
    /// - Parameter featureNames: input column names for ONNX models (which only know a tensor
    ///   width); default `f0..f{N-1}`. For other formats it is used only when the file has no
    ///   feature names (XGBoost without `feature_names`).
    /// - Throws: `ModelError` naming the file and the field, node or operator that is wrong.
    public static func load(contentsOf path: String, featureNames: [String]? = nil) throws(ModelError) -> any ScoringModel {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ModelError(.unreadable, "cannot read model file: \(error.localizedDescription)", path: path)
        }
        do {
            return try load(bytes: bytes, fileExtension: URL(fileURLWithPath: path).pathExtension, featureNames: featureNames)
        } catch {
            throw error.at(path: path)
        }
    }

    /// Loads a model from bytes; `fileExtension` (without the dot) guides format detection.
    public static func load(bytes: [UInt8], fileExtension: String = "",
                            featureNames: [String]? = nil) throws(ModelError) -> any ScoringModel {
        switch try detectFormat(bytes: bytes, fileExtension: fileExtension.lowercased()) {
        case .onnx:
            return try ONNXModel(bytes: bytes, featureNames: featureNames)
        case .lightgbm:
            return try LightGBMModel(text: bytes)
        case .linearJSON, .xgboost:
            let root = try JSONParser.parse(bytes)
            guard case .object(let dict) = root else {
                throw ModelError(.invalidField, "a JSON model must be an object", detail: "field '$'")
            }
            if dict["learner"] != nil { return try XGBoostModel(document: root, featureNames: featureNames) }
            if dict["format"] != nil { return try LinearModel(document: root) }
            throw ModelError(.unknownFormat,
                             "JSON model has neither 'format' (simple-linear-json/1) nor 'learner' (XGBoost)")
        }
    }

    private static func detectFormat(bytes: [UInt8], fileExtension: String) throws(ModelError) -> ModelFormat {
        switch fileExtension {
        case "onnx": return .onnx
        case "json": return .xgboost
        case "txt", "model", "lgb", "lgbm": return .lightgbm
        default: break
        }
        let first = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        if first == UInt8(ascii: "{") { return .xgboost }
        if bytes.starts(with: Array("tree".utf8)) { return .lightgbm }
        // ONNX ModelProto starts with field 1 (ir_version, varint): tag byte 0x08.
        if bytes.first == 0x08 { return .onnx }
        throw ModelError(.unknownFormat,
                         "cannot tell the model format: use a .onnx, .json or .txt file (LightGBM text starts with 'tree')")
    }
}
