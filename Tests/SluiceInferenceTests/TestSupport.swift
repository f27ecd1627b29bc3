import Foundation
import SluiceCore
import SluiceModels
@testable import SluiceInference

/// Paths and helpers shared by the inference tests.
enum Fixtures {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models").path

    static func modelFile(_ name: String) -> String {
        let dir = models + "/" + name
        for file in RegisteredModel.modelFileNames where FileManager.default.fileExists(atPath: dir + "/" + file) {
            return dir + "/" + file
        }
        fatalError("fixture \(name) has no model file")
    }

    static let linearFeatures = ["amount", "log_amount", "hour", "tx_count_1h", "avg_amount_24h", "distance_km",
                                 "mc_fuel", "mc_restaurant", "mc_online_retail", "mc_electronics", "mc_travel",
                                 "mc_jewelry", "mc_gaming"]
    static let treeFeatures = ["amount", "log_amount", "hour", "tx_count_1h", "avg_amount_24h", "distance_km",
                               "merchant_category_code"]

    /// Rows of `inputs.csv` as (column names, values), without the `row_id` column.
    static func inputs(_ name: String) -> (names: [String], rows: [[Double]]) {
        let text = try! String(contentsOfFile: models + "/" + name + "/inputs.csv", encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        let rows = lines.map { line in line.split(separator: ",", omittingEmptySubsequences: false).dropFirst().map { Double($0) ?? .nan } }
        return (Array(header.dropFirst()), rows)
    }

    /// Records holding the CSV rows as double fields, with `event_id` and key `k<i>`.
    static func records(_ name: String) -> [Record] {
        let (names, rows) = inputs(name)
        return rows.enumerated().map { i, row in
            var fields = Fields()
            fields.append("event_id", .string("e\(i)"))
            for (n, v) in zip(names, row) { fields.append(n, v.isNaN ? .null : .double(v)) }
            return Record(fields: fields, key: Array("k\(i)".utf8))
        }
    }

    /// A fresh temporary directory.
    static func tempDir() -> String {
        let path = NSTemporaryDirectory() + "sluice-infer-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A copy of the logistic fixture with `intercept` shifted, so that versions score differently.
    static func shiftedLogistic(by delta: Double, in dir: String) -> String {
        let data = try! Data(contentsOf: URL(fileURLWithPath: modelFile("logistic")))
        var json = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        json["intercept"] = (json["intercept"] as! Double) + delta
        let path = dir + "/logistic-\(delta).json"
        try! JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A registry with logistic versions v1, v2, v3 (intercept shifted by 0, 1, 2) registered, none active.
    static func logisticRegistry() throws -> ModelRegistry {
        let root = tempDir()
        let registry = ModelRegistry(root: root)
        let scratch = tempDir()
        for (i, version) in ["v1", "v2", "v3"].enumerated() {
            try registry.register(modelFile: shiftedLogistic(by: Double(i), in: scratch), name: "fraud",
                                  version: version, metrics: ["auc": 0.9 + Double(i) / 100], by: "ci")
        }
        return registry
    }

    static let context = OperatorContext(partition: 0, processingTime: 0, watermark: .min)

    static func header(_ record: Record, _ name: String) -> String? {
        record.headers.first { $0.name == name }?.value.map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Scores records' fields directly with a model, in the model's feature order.
func directScores(_ model: any ScoringModel, _ records: [Record]) -> [[Double]] {
    let names = model.featureNames
    var input: [Double] = []
    for r in records { for n in names { input.append(r.fields[n]?.asDouble ?? .nan) } }
    let out = model.score(input, rows: records.count)
    let w = model.outputNames.count
    return (0..<records.count).map { Array(out[($0 * w)..<(($0 + 1) * w)]) }
}
