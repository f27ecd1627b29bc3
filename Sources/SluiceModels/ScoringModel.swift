/// The model file formats SluiceModels can load.
public enum ModelFormat: String, Sendable, CaseIterable {
    /// `simple-linear-json/1`: a logistic or linear model as JSON (see docs/models.md).
    case linearJSON = "simple-linear-json"
    /// XGBoost's native JSON model (`Booster.save_model("*.json")`), gbtree booster.
    case xgboost
    /// LightGBM's text model (`Booster.save_model("*.txt")`).
    case lightgbm
    /// An ONNX protobuf model (ai.onnx and ai.onnx.ml operator subsets).
    case onnx
}

/// A loaded model that scores batches of rows.
///
/// Input is a row-major `rows × featureNames.count` matrix of `Double`, `NaN` meaning missing.
/// Output is a row-major `rows × outputNames.count` matrix of `Double`.
/// Scoring never throws: every check happens at load time.
///
/// ```swift
/// let model = try ModelLoader.load(contentsOf: "model.json")
/// var out = [Double](repeating: 0, count: rows * model.outputNames.count)
/// input.withUnsafeBufferPointer { inp in
///     out.withUnsafeMutableBufferPointer { model.score(inp, rows: rows, into: $0) }
/// }
/// ```
public protocol ScoringModel: Sendable {
    /// The file format the model was loaded from.
    var format: ModelFormat { get }
    /// Input column order.
    var featureNames: [String] { get }
    /// Output column names, e.g. `["margin", "probability"]` or `["label", "prob_0", "prob_1"]`.
    var outputNames: [String] { get }
    /// Scores `rows` rows of `input` (row-major, `rows × featureNames.count`, NaN = missing)
    /// into `output` (row-major, `rows × outputNames.count`).
    ///
    /// - Precondition: the buffers hold at least that many values.
    func score(_ input: UnsafeBufferPointer<Double>, rows: Int, into output: UnsafeMutableBufferPointer<Double>)
}

/// A tree-ensemble model that can report which leaf each row reaches in each tree.
public protocol LeafIndexing: ScoringModel {
    /// Number of trees (columns of the leaf matrix).
    var treeCount: Int { get }
    /// Writes, for each row and tree, the leaf reached (row-major, `rows × treeCount`).
    ///
    /// XGBoost: the leaf's node index in the tree's arrays (as `pred_leaf=True`).
    /// LightGBM: the leaf index `0..<num_leaves` (as `pred_leaf=True`).
    func leafIndices(_ input: UnsafeBufferPointer<Double>, rows: Int, into output: UnsafeMutableBufferPointer<Int32>)
}

extension ScoringModel {
    /// Convenience for tests and tools: scores an array and returns a new array.
    public func score(_ input: [Double], rows: Int) -> [Double] {
        precondition(input.count >= rows * featureNames.count, "input holds fewer than rows × features values")
        var output = [Double](repeating: 0, count: rows * outputNames.count)
        input.withUnsafeBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { score(inp, rows: rows, into: $0) }
        }
        return output
    }
}

extension LeafIndexing {
    /// Convenience for tests and tools: leaf indices as a new array (`rows × treeCount`).
    public func leafIndices(_ input: [Double], rows: Int) -> [Int32] {
        precondition(input.count >= rows * featureNames.count, "input holds fewer than rows × features values")
        var output = [Int32](repeating: 0, count: rows * treeCount)
        input.withUnsafeBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { leafIndices(inp, rows: rows, into: $0) }
        }
        return output
    }
}
