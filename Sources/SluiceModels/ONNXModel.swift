import Foundation

/// An ONNX model evaluated by SluiceModels' own float32 interpreter (no onnxruntime).
///
/// The graph has one float input `[N, F]`; each graph output becomes one column (`[N]`, `[N, 1]`)
/// or K columns (`[N, K]`): `probabilities` → `prob_0..prob_{K-1}`, any other name → `name_0..`.
/// A scikit-learn classifier thus outputs `label, prob_0, prob_1`; a regressor `variable`.
public struct ONNXModel: ScoringModel {
    public let featureNames: [String]
    public let outputNames: [String]
    /// Operator set imports (domain, version) as declared in the file, duplicates included.
    public let opsetImports: [(domain: String, version: Int64)]
    let graph: ONNXGraph
    /// Columns per graph output.
    let columns: [Int]

    public var format: ModelFormat { .onnx }

    /// Parses and compiles an ONNX model, then runs it once on zero rows of width F to fix the
    /// output layout (so shape errors surface at load time, not on the first record).
    ///
    /// - Parameter featureNames: names of the F input columns; default `f0..f{F-1}`.
    public init(bytes: [UInt8], featureNames: [String]? = nil) throws(ModelError) {
        let proto = try ONNXModelProto(bytes: bytes)
        graph = try ONNXGraph(model: proto)
        opsetImports = proto.opsets.map { ($0.domain, $0.version) }
        let dims = graph.input.dims ?? []
        let declared: Int? = dims.count == 2 ? dims[1].map(Int.init) : nil
        let width: Int
        if let featureNames {
            if let declared, declared != featureNames.count {
                throw ModelError(.invalidField, "\(featureNames.count) feature names given but input '\(graph.input.name)' has \(declared) columns",
                                 detail: "GraphProto.input")
            }
            width = featureNames.count
            self.featureNames = featureNames
        } else {
            guard let declared, declared > 0, declared < 1 << 24 else {
                throw ModelError(.missingField, "input '\(graph.input.name)' has no fixed column count; pass feature names",
                                 detail: "GraphProto.input")
            }
            width = declared
            self.featureNames = (0..<declared).map { "f\($0)" }
        }
        guard width > 0 else { throw ModelError(.invalidField, "the model needs at least one feature", detail: "GraphProto.input") }
        // Probe with 1 and 2 rows: outputs must scale with the batch.
        let one = try graph.run(Tensor(shape: [1, width], floats: [Float](repeating: 0, count: width)))
        let two = try graph.run(Tensor(shape: [2, width], floats: [Float](repeating: 0, count: 2 * width)))
        var columns = [Int]()
        var names = [String]()
        for (i, t) in one.enumerated() {
            let k = t.count
            guard k > 0, two[i].count == 2 * k else {
                throw ModelError(.unsupported, "graph output '\(graph.outputNames[i])' does not have one row per input row",
                                 detail: "GraphProto.output")
            }
            columns.append(k)
            let name = graph.outputNames[i]
            if k == 1 {
                names.append(name)
            } else {
                let stem = name == "probabilities" ? "prob" : name
                names.append(contentsOf: (0..<k).map { "\(stem)_\($0)" })
            }
        }
        self.columns = columns
        self.outputNames = names
    }

    /// Scores a batch. A failure inside the graph (which the load-time probe makes unlikely)
    /// writes NaN to every output of the batch.
    public func score(_ input: UnsafeBufferPointer<Double>, rows: Int, into output: UnsafeMutableBufferPointer<Double>) {
        guard rows > 0 else { return }
        let f = featureNames.count
        var x = [Float](repeating: 0, count: rows * f)
        for i in 0..<(rows * f) { x[i] = Float(input[i]) }
        let width = outputNames.count
        guard let results = try? graph.run(Tensor(shape: [rows, f], floats: x)) else {
            for i in 0..<(rows * width) { output[i] = .nan }
            return
        }
        var offset = 0
        for (i, t) in results.enumerated() {
            let k = columns[i]
            let valid = t.count == rows * k
            for r in 0..<rows {
                for c in 0..<k { output[r * width + offset + c] = valid ? t.double(at: r * k + c) : .nan }
            }
            offset += k
        }
    }
}
