import Foundation
import Testing
@testable import SluiceModels

/// Hand-made models exercising format rules the fixtures do not reach.
@Suite("Format semantics on hand-made models")
struct FormatSemanticsTests {
    /// An XGBoost model of `trees` stumps on feature 0 at threshold 0.5 (left leaf = -l, right = +l).
    private func xgboost(objective: String, baseScore: String, numClass: Int = 0, leaves: [Float], treeInfo: [Int]) -> [UInt8] {
        let trees = leaves.enumerated().map { t, l in
            """
            {"id":\(t),"left_children":[1,-1,-1],"right_children":[2,-1,-1],"split_indices":[0,0,0],
             "split_conditions":[0.5,\(-l),\(l)],"default_left":[1,0,0],"split_type":[0,0,0],
             "tree_param":{"num_nodes":"3","size_leaf_vector":"1"}}
            """
        }.joined(separator: ",")
        let json = """
        {"learner":{"feature_names":["a","b"],"learner_model_param":{"base_score":\(baseScore),"num_class":"\(numClass)","num_feature":"2"},
         "objective":{"name":"\(objective)"},
         "gradient_booster":{"name":"gbtree","model":{"trees":[\(trees)],"tree_info":\(treeInfo)}}}}
        """
        return Array(json.utf8)
    }

    @Test("XGBoost base_score: bracketed string, plain string and number are the same",
          arguments: ["\"[5E-1]\"", "\"0.5\"", "0.5"])
    func baseScoreForms(form: String) throws {
        let model = try XGBoostModel(json: xgboost(objective: "binary:logistic", baseScore: form, leaves: [0.25], treeInfo: [0]))
        let out = model.score([1.0, 0, .nan, 0], rows: 2)
        #expect(out == [0.25, Double(Float(1) / (1 + expf(-0.25))), -0.25, Double(Float(1) / (1 + expf(0.25)))])
    }

    @Test("XGBoost strict < in float32: a double just below a float32 threshold goes right")
    func float32Compare() throws {
        let model = try XGBoostModel(json: xgboost(objective: "reg:squarederror", baseScore: "\"[0E0]\"", leaves: [1], treeInfo: [0]))
        let justBelow = Double(Float(0.5)).nextDown
        #expect(model.score([justBelow, 0, 0.5, 0, Double(Float(0.5).nextDown), 0], rows: 3) == [1, 1, 1, 1, -1, -1])
    }

    @Test("XGBoost multi:softprob groups trees by tree_info and applies softmax")
    func multiclass() throws {
        let model = try XGBoostModel(json: xgboost(objective: "multi:softprob", baseScore: "\"[5E-1]\"", numClass: 3,
                                                   leaves: [1, 2, 3, 0.5], treeInfo: [0, 1, 2, 0]))
        #expect(model.outputNames == ["margin_0", "margin_1", "margin_2", "prob_0", "prob_1", "prob_2", "label"])
        let out = model.score([1.0, 0], rows: 1)
        let margins: [Float] = [0.5 + 1 + 0.5, 0.5 + 2, 0.5 + 3]
        #expect(Array(out[0..<3]) == margins.map(Double.init))
        let e = margins.map { expf($0 - margins[2]) }
        let total = e.reduce(0, +)
        #expect(Array(out[3..<6]) == e.map { Double($0 / total) })
        #expect(out[6] == 2)
    }

    private let lightGBMHeader = """
    tree
    version=v4
    num_class=1
    num_tree_per_iteration=1
    label_index=0
    max_feature_idx=1
    objective=regression
    feature_names=a b

    """

    @Test("LightGBM categorical bitset, missing type Zero, inf threshold and a one-leaf tree")
    func lightGBMSplits() throws {
        let text = lightGBMHeader + """
        Tree=0
        num_leaves=3
        num_cat=1
        split_feature=0 1
        threshold=0 inf
        decision_type=1 4
        left_child=-1 -2
        right_child=1 -3
        leaf_value=10 20 30
        cat_boundaries=0 2
        cat_threshold=5 1
        is_linear=0
        shrinkage=1

        Tree=1
        num_leaves=1
        num_cat=0
        split_feature=
        threshold=
        decision_type=
        left_child=
        right_child=
        leaf_value=0.5
        is_linear=0
        shrinkage=1

        end of trees
        """
        let model = try LightGBMModel(text: Array(text.utf8))
        // cat set {0, 2, 32}: category 2 and 32 go left (leaf 0); 1, NaN, -1 go right to the Zero-missing split on b.
        // b: |b| <= 1e-35 → default right (dt bit 2 unset) → leaf 2; NaN becomes 0 → Zero → leaf 2; 5 <= inf → leaf 1.
        let rows: [[Double]] = [[2, 0], [32, 0], [1, 5], [1, 0], [.nan, .nan], [-1, 1e-36], [64, 5]]
        let out = model.score(rows.flatMap { $0 }, rows: rows.count)
        #expect(stride(from: 0, to: out.count, by: 2).map { out[$0] } == [10.5, 10.5, 20.5, 30.5, 30.5, 30.5, 20.5])
        #expect(model.leafIndices(rows.flatMap { $0 }, rows: rows.count) == [0, 0, 0, 0, 1, 0, 2, 0, 2, 0, 2, 0, 1, 0])
    }

    @Test("LightGBM multiclass: trees cycle through classes, softmax in float64")
    func lightGBMMulticlass() throws {
        let stump = { (t: Int, v: Double) in
            "Tree=\(t)\nnum_leaves=1\nnum_cat=0\nsplit_feature=\nthreshold=\ndecision_type=\nleft_child=\nright_child=\nleaf_value=\(v)\nis_linear=0\nshrinkage=1\n\n"
        }
        let text = lightGBMHeader.replacingOccurrences(of: "objective=regression", with: "objective=multiclass num_class:3")
            .replacingOccurrences(of: "num_tree_per_iteration=1", with: "num_tree_per_iteration=3")
            + stump(0, 1) + stump(1, 2) + stump(2, 0) + stump(3, 1) + stump(4, 0) + stump(5, 0) + "end of trees\n"
        let model = try LightGBMModel(text: Array(text.utf8))
        let out = model.score([0.0, 0], rows: 1)
        let e = [exp(2.0 - 2), exp(2.0 - 2), exp(0.0 - 2)], s = e.reduce(0, +)
        #expect(out == [2, 2, 0, e[0] / s, e[1] / s, e[2] / s, 0])
    }

    @Test("a LightGBM tree with a cycle is rejected at load")
    func lightGBMCycle() {
        let text = lightGBMHeader + "Tree=0\nnum_leaves=3\nnum_cat=0\nsplit_feature=0 0\nthreshold=1 2\ndecision_type=0 0\n"
            + "left_child=1 0\nright_child=-1 -2\nleaf_value=1 2 3\nis_linear=0\n\nend of trees\n"
        #expect(throws: ModelError.self) { try LightGBMModel(text: Array(text.utf8)) }
    }

    @Test("linear JSON without standardisation and with a bad link")
    func linearJSON() throws {
        let good = #"{"format":"simple-linear-json/1","type":"linear","features":["x","y"],"standardize":null,"coef":[2,3],"intercept":1,"link":"identity"}"#
        let model = try LinearModel(json: Array(good.utf8))
        #expect(model.score([1.0, 1, 0.5, -1], rows: 2) == [6, -1])
        let bad = good.replacingOccurrences(of: "identity", with: "logit")
        #expect(throws: ModelError.self) { try LinearModel(json: Array(bad.utf8)) }
    }
}
