import Foundation
@testable import SluiceModels

/// Locates and reads the model fixtures copied from /work/shared/fixtures.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models")

    static let modelIDs = ["logistic", "linear", "xgb_binary", "xgb_regression", "lgbm_binary", "lgbm_regression",
                           "onnx_logreg", "onnx_rf_classifier", "onnx_rf_regressor", "onnx_gb_classifier",
                           "onnx_gb_regressor", "onnx_mlp"]
    static let treeModelIDs = ["xgb_binary", "xgb_regression", "lgbm_binary", "lgbm_regression"]

    static func dir(_ id: String) -> URL { root.appendingPathComponent(id) }

    static func modelPath(_ id: String) -> String {
        let d = dir(id)
        for name in ["model.onnx", "model.json", "model.txt"]
        where FileManager.default.fileExists(atPath: d.appendingPathComponent(name).path) {
            return d.appendingPathComponent(name).path
        }
        fatalError("no model file in \(d.path)")
    }

    static func bytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path)!) }

    /// A CSV table of doubles (`NaN` cells become NaN).
    struct Table {
        let header: [String]
        let rows: [[Double]]

        func column(_ name: String) -> [Double] {
            let i = header.firstIndex(of: name)!
            return rows.map { $0[i] }
        }
    }

    static func csv(_ url: URL) -> Table {
        let text = try! String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        let rows = lines.dropFirst().map { line in line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0)! } }
        return Table(header: header, rows: rows)
    }

    /// The model's feature list from the manifest.
    static func features(_ id: String) -> [String] { manifest(id)["features"] as! [String] }

    /// (atol, rtol) for a column, or nil for an exact comparison.
    static func tolerance(_ id: String, column: String) -> (Double, Double)? {
        let tol = manifest(id)["tolerance"] as! [String: Any]
        guard let entry = tol[column] as? [String: Any] else { return nil }
        return ((entry["atol"] as! NSNumber).doubleValue, (entry["rtol"] as! NSNumber).doubleValue)
    }

    private static func manifest(_ id: String) -> [String: Any] {
        let data = FileManager.default.contents(atPath: root.appendingPathComponent("tolerances.json").path)!
        let all = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        return all[id] as! [String: Any]
    }

    /// The inputs of a fixture as a row-major matrix in the model's feature order.
    static func inputs(_ id: String, for model: any ScoringModel) -> (values: [Double], rows: Int) {
        let table = csv(dir(id).appendingPathComponent("inputs.csv"))
        var values = [Double]()
        for row in table.rows {
            for name in model.featureNames { values.append(row[table.header.firstIndex(of: name)!]) }
        }
        return (values, table.rows.count)
    }
}
