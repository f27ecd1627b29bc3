import Foundation

/// TreeEnsembleRegressor (ai.onnx.ml): per target, aggregate the leaf weights of every tree
/// (SUM, AVERAGE, MIN, MAX) in float32, then add `base_values`.
struct TreeEnsembleRegressorKernel: ONNXKernel {
    enum Aggregate: String, Sendable { case sum = "SUM", average = "AVERAGE", min = "MIN", max = "MAX" }
    let trees: ONNXTrees
    let targets: Int
    let baseValues: [Float]
    let aggregate: Aggregate
    let transform: PostTransform

    init(_ ctx: ONNXNodeContext) throws(ModelError) {
        trees = try ONNXTrees(ctx, prefix: "target")
        targets = Int(try ctx.int("n_targets", default: Int64((trees.weightTargets.max() ?? 0) + 1)))
        baseValues = try ctx.floats("base_values") ?? []
        let agg = try ctx.string("aggregate_function", default: "SUM")
        guard let a = Aggregate(rawValue: agg) else {
            throw ctx.error(.unsupported, "aggregate_function '\(agg)' is not supported", attribute: "aggregate_function")
        }
        aggregate = a
        transform = try PostTransform(ctx)
        guard targets > 0, targets < 1 << 20, trees.weightTargets.allSatisfy({ Int($0) < targets }) else {
            throw ctx.error(.invalidField, "target ids must lie in 0..<n_targets", attribute: "target_ids")
        }
        guard baseValues.isEmpty || baseValues.count == targets else {
            throw ctx.error(.invalidField, "\(baseValues.count) base values for \(targets) targets", attribute: "base_values")
        }
    }

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let x = try input(inputs, 0, "TreeEnsembleRegressor")
        let (n, f) = try treeInputShape(x, trees.maxFeature, "TreeEnsembleRegressor")
        let v = x.floats
        var out = [Float](repeating: 0, count: n * targets)
        var acc = [Float](repeating: 0, count: targets)
        v.withUnsafeBufferPointer { v in
            trees.nodes.withUnsafeBufferPointer { nodes in
                acc.withUnsafeMutableBufferPointer { acc in
                    for r in 0..<n {
                        let row = v.baseAddress! + r * f
                        if aggregate == .sum || aggregate == .average {
                            for t in 0..<targets { acc[t] = 0 }
                            trees.accumulate(row, acc.baseAddress!, nodes)
                        } else {
                            for t in 0..<targets { acc[t] = aggregate == .min ? .infinity : -.infinity }
                            for root in trees.roots {
                                let leaf = nodes[ONNXTrees.leaf(nodes, root, row)]
                                for w in Int(leaf.weightStart)..<Int(leaf.weightStart + leaf.weightCount) {
                                    let t = Int(trees.weightTargets[w]), value = trees.weightValues[w]
                                    acc[t] = aggregate == .min ? Swift.min(acc[t], value) : Swift.max(acc[t], value)
                                }
                            }
                        }
                        for t in 0..<targets {
                            var s = acc[t]
                            if aggregate == .average { s /= Float(trees.roots.count) }
                            if !baseValues.isEmpty { s += baseValues[t] }
                            out[r * targets + t] = s
                        }
                    }
                }
            }
        }
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<n { transform.apply(o.baseAddress! + r * targets, count: targets) }
        }
        return [Tensor(shape: [n, targets], floats: out)]
    }
}

/// Validates a tree ensemble's `[N, F]` input against the highest feature index used.
func treeInputShape(_ x: Tensor, _ maxFeature: Int, _ op: String) throws(ModelError) -> (Int, Int) {
    guard x.rank == 2 || x.rank == 1 else { throw kernelError(op, "input must be [N, F]; got \(x.shape)") }
    let n = x.rank == 2 ? x.shape[0] : 1
    let f = x.shape[x.rank - 1]
    guard f > maxFeature, f > 0 else { throw kernelError(op, "input has \(f) features, the trees use feature \(maxFeature)") }
    return (n, f)
}

/// TreeEnsembleClassifier (ai.onnx.ml) with onnxruntime's output rules.
///
/// Binary case (two labels, every `class_ids` == 0): `s = Σ weights + base_values[0]`;
/// all weights >= 0 → `label = s > 0.5`, `probabilities = [1-s, s]`;
/// otherwise `label = s > 0` and `[L(-s), L(s)]` with LOGISTIC, `[-s, s]` with NONE.
/// Other cases: per-class sums + base values, label = argmax, scores transformed by `post_transform`.
struct TreeEnsembleClassifierKernel: ONNXKernel {
    let trees: ONNXTrees
    let labels: [Int64]
    let baseValues: [Float]
    let transform: PostTransform
    let binary: Bool
    let allPositive: Bool

    init(_ ctx: ONNXNodeContext) throws(ModelError) {
        trees = try ONNXTrees(ctx, prefix: "class")
        if ctx.strings("classlabels_strings")?.isEmpty == false {
            throw ctx.error(.unsupported, "string class labels are not supported (numeric outputs only)",
                            attribute: "classlabels_strings")
        }
        guard let labels = ctx.ints("classlabels_int64s"), !labels.isEmpty else {
            throw ctx.error(.missingField, "required attribute is missing", attribute: "classlabels_int64s")
        }
        self.labels = labels
        baseValues = try ctx.floats("base_values") ?? []
        transform = try PostTransform(ctx)
        guard trees.weightTargets.allSatisfy({ Int($0) < labels.count }) else {
            throw ctx.error(.invalidField, "class ids must lie in 0..<\(labels.count)", attribute: "class_ids")
        }
        binary = labels.count == 2 && trees.weightTargets.allSatisfy { $0 == 0 }
        allPositive = trees.weightValues.allSatisfy { $0 >= 0 }
        guard binary || baseValues.isEmpty || baseValues.count == labels.count else {
            throw ctx.error(.invalidField, "\(baseValues.count) base values for \(labels.count) classes", attribute: "base_values")
        }
    }

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let x = try input(inputs, 0, "TreeEnsembleClassifier")
        let (n, f) = try treeInputShape(x, trees.maxFeature, "TreeEnsembleClassifier")
        let k = labels.count
        let v = x.floats
        var probabilities = [Float](repeating: 0, count: n * k)
        var out = [Int64](repeating: 0, count: n)
        var acc = [Float](repeating: 0, count: k)
        v.withUnsafeBufferPointer { v in
            trees.nodes.withUnsafeBufferPointer { nodes in
                acc.withUnsafeMutableBufferPointer { acc in
                    for r in 0..<n {
                        for c in 0..<k { acc[c] = 0 }
                        trees.accumulate(v.baseAddress! + r * f, acc.baseAddress!, nodes)
                        if binary {
                            let s = acc[0] + (baseValues.isEmpty ? 0 : baseValues[0])
                            let (p0, p1): (Float, Float)
                            if allPositive {
                                out[r] = s > 0.5 ? labels[1] : labels[0]
                                (p0, p1) = (1 - s, s)
                            } else {
                                out[r] = s > 0 ? labels[1] : labels[0]
                                (p0, p1) = transform == .logistic ? (logistic(-s), logistic(s)) : (-s, s)
                            }
                            probabilities[r * 2] = p0
                            probabilities[r * 2 + 1] = p1
                        } else {
                            var best = 0
                            for c in 0..<k {
                                if !baseValues.isEmpty { acc[c] += baseValues[c] }
                                if acc[c] > acc[best] { best = c }
                            }
                            out[r] = labels[best]
                            transform.apply(acc.baseAddress!, count: k)
                            for c in 0..<k { probabilities[r * k + c] = acc[c] }
                        }
                    }
                }
            }
        }
        return [Tensor(shape: [n], ints: out), Tensor(shape: [n, k], floats: probabilities)]
    }
}
