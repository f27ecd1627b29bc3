import Foundation
import SluiceStats

/// Locates and loads the shared drift fixtures copied under Tests/Fixtures/drift.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/drift")

    static func text(_ rel: String) -> String {
        (try? String(contentsOf: root.appendingPathComponent(rel), encoding: .utf8)) ?? ""
    }

    static func json(_ rel: String) -> [String: Any] {
        guard let d = try? Data(contentsOf: root.appendingPathComponent(rel)),
              let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else { return [:] }
        return o
    }

    static func csv(_ rel: String) -> CSVColumns? { try? CSVColumns(text: text(rel)) }

    /// The batch case directories.
    static let batchCases = ["categorical_proportion_change", "category_disappears", "constant_column", "discrete_ties",
                             "mean_shift", "mixed_multi_column", "new_category", "no_drift_categorical", "no_drift_numeric",
                             "small_samples", "variance_change"]

    /// (case, column, kind) for every column of every batch case, read from expected.json.
    static func batchColumns(kind: String) -> [BatchColumn] {
        batchCases.flatMap { c -> [BatchColumn] in
            let cols = json("batch/\(c)/expected.json")["columns"] as? [String: Any] ?? [:]
            return cols.keys.sorted().compactMap { name in
                let e = cols[name] as? [String: Any] ?? [:]
                return (e["kind"] as? String) == kind ? BatchColumn(caseID: c, column: name) : nil
            }
        }
    }
}

struct BatchColumn: CustomStringConvertible, Sendable {
    let caseID: String
    let column: String
    var description: String { "\(caseID)/\(column)" }

    var expected: [String: Any] {
        ((Fixtures.json("batch/\(caseID)/expected.json")["columns"] as? [String: Any])?[column] as? [String: Any]) ?? [:]
    }
    var reference: CSVColumns? { Fixtures.csv("batch/\(caseID)/reference.csv") }
    var current: CSVColumns? { Fixtures.csv("batch/\(caseID)/current.csv") }
    var refNumeric: [Double] { (reference?.numeric[column] ?? []).compactMap { $0 } }
    var curNumeric: [Double] { (current?.numeric[column] ?? []).compactMap { $0 } }
    var refCategorical: [String] { (reference?.categorical[column] ?? []).compactMap { $0 } }
    var curCategorical: [String] { (current?.categorical[column] ?? []).compactMap { $0 } }
}

/// |a - e| <= atol + rtol |e|.
func close(_ a: Double?, _ e: Any?, atol: Double = 1e-9, rtol: Double = 1e-9) -> Bool {
    guard let a, let e = num(e) else { return false }
    if a == e { return true }
    return abs(a - e) <= atol + rtol * abs(e)
}

func num(_ v: Any?) -> Double? { (v as? NSNumber)?.doubleValue }
func nums(_ v: Any?) -> [Double] { (v as? [Any])?.compactMap(num) ?? [] }
func ints(_ v: Any?) -> [Int] { (v as? [Any])?.compactMap { ($0 as? NSNumber)?.intValue } ?? [] }
func allClose(_ a: [Double], _ e: [Double], atol: Double = 1e-9, rtol: Double = 1e-9) -> Bool {
    a.count == e.count && zip(a, e).allSatisfy { close($0.0, $0.1 as NSNumber, atol: atol, rtol: rtol) }
}
func sub(_ d: [String: Any], _ k: String) -> [String: Any] { d[k] as? [String: Any] ?? [:] }
