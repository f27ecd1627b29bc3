import Foundation
import Testing
@testable import SluiceModels

@Suite("Fixture parity: every model, every row, within the manifest tolerances")
struct FixtureParityTests {
    @Test("scores match expected.csv", arguments: Fixtures.modelIDs)
    func scoresMatch(id: String) throws {
        let model = try ModelLoader.load(contentsOf: Fixtures.modelPath(id), featureNames: Fixtures.features(id))
        let expected = Fixtures.csv(Fixtures.dir(id).appendingPathComponent("expected.csv"))
        #expect(model.featureNames == Fixtures.features(id))
        #expect(["row_id"] + model.outputNames == expected.header)
        let (input, rows) = Fixtures.inputs(id, for: model)
        #expect(rows == expected.rows.count)
        let output = model.score(input, rows: rows)
        let width = model.outputNames.count
        var failures = 0
        for (c, name) in model.outputNames.enumerated() {
            let want = expected.column(name)
            let tolerance = Fixtures.tolerance(id, column: name)
            for r in 0..<rows {
                let got = output[r * width + c]
                let ok: Bool
                if let (atol, rtol) = tolerance {
                    ok = abs(got - want[r]) <= atol + rtol * abs(want[r])
                } else {
                    ok = got == want[r]
                }
                if !ok {
                    failures += 1
                    if failures <= 5 { Issue.record("\(id) row \(r) \(name): got \(got), expected \(want[r])") }
                }
            }
        }
        #expect(failures == 0)
    }

    @Test("leaf indices match expected_leaves.csv", arguments: Fixtures.treeModelIDs)
    func leavesMatch(id: String) throws {
        let model = try #require(try ModelLoader.load(contentsOf: Fixtures.modelPath(id)) as? any LeafIndexing)
        let expected = Fixtures.csv(Fixtures.dir(id).appendingPathComponent("expected_leaves.csv"))
        #expect(model.treeCount == expected.header.count - 1)
        let (input, rows) = Fixtures.inputs(id, for: model)
        let leaves = model.leafIndices(input, rows: rows)
        var mismatches = 0
        for r in 0..<rows {
            for t in 0..<model.treeCount where Double(leaves[r * model.treeCount + t]) != expected.rows[r][t + 1] {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    @Test("XGBoost base margins come from the bracketed base_score (ProbToMargin for logistic)")
    func xgboostBaseMargin() throws {
        let binary = try #require(try ModelLoader.load(contentsOf: Fixtures.modelPath("xgb_binary")) as? XGBoostModel)
        #expect(Double(binary.baseMargins[0]) == -2.177929639816284)
        let regression = try #require(try ModelLoader.load(contentsOf: Fixtures.modelPath("xgb_regression")) as? XGBoostModel)
        #expect(Double(regression.baseMargins[0]) == 5.540882587432861)
    }

    @Test("scoring in batches of any size gives the same result as one batch", arguments: ["xgb_binary", "lgbm_binary", "onnx_mlp"])
    func batchInvariance(id: String) throws {
        let model = try ModelLoader.load(contentsOf: Fixtures.modelPath(id), featureNames: Fixtures.features(id))
        let (input, rows) = Fixtures.inputs(id, for: model)
        let whole = model.score(input, rows: rows)
        let f = model.featureNames.count, w = model.outputNames.count
        var pieces = [Double]()
        var start = 0
        for size in [1, 7, 64, 200] where start < rows {
            let n = min(size, rows - start)
            pieces += model.score(Array(input[(start * f)..<((start + n) * f)]), rows: n)
            start += n
        }
        #expect(start == rows)
        #expect(pieces.count == rows * w)
        #expect(zip(pieces, whole).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }
}
