import Foundation
import SluiceCore
import SluiceStats
import Testing
@testable import SluiceDrift

@Suite struct CLIAndRendererTests {
    func expected(_ c: String) throws -> [String: Any] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("\(c)/expected.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])["columns"] as! [String: Any]
    }

    func path(_ c: String, _ f: String) -> String { fixtures.appendingPathComponent("\(c)/\(f).csv").path }

    @Test func compareMatchesScipyOnMeanShift() throws {
        let config = try DriftConfig(numericTest: .ks)
        let r = try DriftCLI.compare(referenceCSV: path("mean_shift", "reference"), currentCSV: path("mean_shift", "current"), config: config)
        let ks = try #require(try expected("mean_shift")["amount"] as? [String: Any])["ks_2samp"] as! [String: Any]
        let f = try #require(r.features.first)
        #expect(f.name == "amount" && f.test == .ks && f.drifted)
        #expect(abs(f.statistic - (ks["statistic"] as! Double)) < 1e-9)
        #expect(abs(f.pValue! - (ks["pvalue_auto"] as! Double)) < 1e-12)
        #expect(r.datasetDrift && r.n == 1000)
    }

    @Test func compareMatchesScipyOnMixedColumns() throws {
        let config = try DriftConfig(numericTest: .ks, categoricalTest: .chiSquare)
        let r = try DriftCLI.compare(referenceCSV: path("mixed_multi_column", "reference"), currentCSV: path("mixed_multi_column", "current"),
                                     features: ["amount", "merchant_category"], config: config)
        let cols = try expected("mixed_multi_column")
        #expect(r.features.map(\.name) == ["amount", "merchant_category"])
        let ks = (cols["amount"] as! [String: Any])["ks_2samp"] as! [String: Any]
        let chi = (cols["merchant_category"] as! [String: Any])["chi2_contingency"] as! [String: Any]
        #expect(abs(r.features[0].statistic - (ks["statistic"] as! Double)) < 1e-9)
        #expect(abs(r.features[0].pValue! - (ks["pvalue_auto"] as! Double)) < 1e-12)
        #expect(abs(r.features[1].statistic - (chi["statistic"] as! Double)) < 1e-9)
        #expect(abs(r.features[1].pValue! - (chi["pvalue"] as! Double)) < 1e-12)
    }

    @Test func compareListsNewCategories() throws {
        let r = try DriftCLI.compare(referenceCSV: path("new_category", "reference"), currentCSV: path("new_category", "current"))
        let col = try expected("new_category")["merchant_category"] as! [String: Any]
        #expect(r.features.first?.newCategories == (col["new_categories_in_current"] as! [String]).sorted())
    }

    @Test func profileIsWrittenAndReadBack() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("drift-profile-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let p = try DriftCLI.profile(csvPath: path("mixed_multi_column", "reference"), features: ["hour"], outputPath: out)
        #expect(p.features.map(\.name) == ["hour"] && p.features[0].count == 1500)
        #expect(try DriftCLI.loadProfile(path: out) == p)
        let e = #expect(throws: DriftError.self) { try DriftCLI.profile(csvPath: path("mean_shift", "reference"), features: ["nope"]) }
        #expect(e?.code == .unknownFeature)
    }

    @Test(arguments: ["value", "x"])
    func detectReportsDDMDriftOnADegradingStream(column: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("drift-detect-\(column)-\(getpid()).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        let values = (0..<1000).map { i in (i < 500 ? i % 10 == 0 : i % 5 < 3) ? "1" : "0" }
        let header = column == "value" ? "id,value" : "x"
        let rows = values.enumerated().map { column == "value" ? "\($0),\($1)" : $1 }
        try ([header] + rows).joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let signals = try DriftCLI.detect(detector: "ddm", params: [:], inputCSV: file.path)
        let drift = signals.filter { $0.signal == .drift }
        #expect(!drift.isEmpty && drift[0].index > 500 && drift[0].index < 700, "\(drift.map(\.index))")
        #expect(signals.allSatisfy { $0.index >= 30 })
        let e = #expect(throws: DriftError.self) { try DriftCLI.detect(detector: "nope", inputCSV: file.path) }
        #expect(e?.code == .invalidConfig)
    }

    /// The docs/drift.md example (DriftReport has no public memberwise initialiser, so it is decoded).
    func sampleReport() throws -> DriftReport {
        let json = """
        {"report_id": "9f2c1e0a44b7d310", "topology": "fraud", "operator": "drift-monitor", "model_version": "v3",
         "reference_profile_id": "5b0c3f8f1d2e9a47", "window_start": 1700000000000, "window_end": 1700003600000, "n": 1000,
         "features": [
          {"name": "amount", "type": "numeric", "test": "ks", "statistic": 0.17, "p_value": 4.1e-13, "threshold": 0.05, "drifted": true},
          {"name": "country", "type": "categorical", "test": "chi_square", "statistic": 3.2, "p_value": 0.36, "threshold": 0.05,
           "drifted": false, "new_categories": ["NL"]}],
         "dataset_drift": true, "drift_share": 0.5, "drift_share_threshold": 0.5,
         "detector_alarms": [{"detector": "ADWIN", "metric": "error_rate", "signal": "drift", "index": 1055}]}
        """
        return try JSONDecoder().decode(DriftReport.self, from: Data(json.utf8))
    }

    @Test func rendererShowsRowsVerdictsAndAlarms() throws {
        let report = try sampleReport()
        let plain = DriftReportRenderer.render(report, color: false)
        let lines = plain.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("feature") && $0.contains("p-value") && $0.contains("verdict") })
        #expect(lines.contains { $0.hasPrefix("amount") && $0.contains("ks") && $0.contains("0.17") && $0.contains("4.100e-13") && $0.hasSuffix("DRIFT") })
        #expect(lines.contains { $0.hasPrefix("country") && $0.contains("chi_square") && $0.contains("0.36") && $0.hasSuffix("ok") })
        #expect(plain.contains("new categories NL"))
        #expect(plain.contains("DATASET DRIFT (1 of 2 features drifted"))
        #expect(plain.contains("ADWIN drift on error_rate at record 1055"))
        #expect(plain.contains("model v3") && plain.contains("2023-11-14T22:13:20"))
        #expect(!plain.contains("\u{1B}["))
        let colored = DriftReportRenderer.render(report, color: true)
        #expect(colored.contains("\u{1B}[31;1mDRIFT\u{1B}[0m"))
        let compact = DriftReportRenderer.renderCompact(report)
        #expect(!compact.contains("\n") && compact.contains("DATASET DRIFT") && compact.contains("1/2 drifted [amount]") && compact.contains("alarms=1"))
    }
}
