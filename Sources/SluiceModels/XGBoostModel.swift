import Foundation

/// An XGBoost gbtree model, scored exactly as XGBoost does on CPU:
/// inputs cast to float32, strict `x < threshold` in float32, NaN → the node's default direction,
/// leaf values summed in float32 in tree order starting from the base margin.
public struct XGBoostModel: LeafIndexing {
    public let featureNames: [String]
    let objective: XGBoostObjective
    /// Number of output groups (`num_class` for softmax objectives, else 1).
    public let groups: Int
    let baseMargins: [Float]
    let nodes: [XGBNode]
    let roots: [Int32]
    let treeGroups: [Int32]

    public var format: ModelFormat { .xgboost }
    public var outputNames: [String] { objective.outputNames(groups: groups) }
    public var treeCount: Int { roots.count }

    init(featureNames: [String], objective: XGBoostObjective, groups: Int, baseMargins: [Float],
         nodes: [XGBNode], roots: [Int32], treeGroups: [Int32]) {
        self.featureNames = featureNames
        self.objective = objective
        self.groups = groups
        self.baseMargins = baseMargins
        self.nodes = nodes
        self.roots = roots
        self.treeGroups = treeGroups
    }

    /// Index of the leaf reached from `root` by the float32 row `x`.
    @inline(__always)
    private static func leaf(_ nodes: UnsafeBufferPointer<XGBNode>, _ root: Int32, _ x: UnsafeMutablePointer<Float>) -> Int {
        var i = Int(root)
        while true {
            let node = nodes[i]
            if node.feature < 0 { return i }
            let v = x[Int(node.feature)]
            // Branch-free: right unless v < threshold; a NaN takes the default direction.
            var right = v < node.value ? 0 : 1
            if v.isNaN { right = node.info != 0 ? 0 : 1 }
            i = Int(node.left) &+ right
        }
    }

    /// Rows scored together tree by tree: one tree's nodes stay in cache while the independent
    /// traversals of the block's rows overlap in the CPU (as XGBoost's own block predictor does).
    static let blockSize = 64

    public func score(_ input: UnsafeBufferPointer<Double>, rows: Int, into output: UnsafeMutableBufferPointer<Double>) {
        let f = featureNames.count
        let width = outputNames.count
        let block = Self.blockSize
        nodes.withUnsafeBufferPointer { nodes in
            roots.withUnsafeBufferPointer { roots in
                treeGroups.withUnsafeBufferPointer { treeGroups in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: block * (f + groups) + groups) { scratch in
                        let x = scratch.baseAddress!
                        let acc = x + block * f
                        let prob = acc + block * groups
                        var start = 0
                        while start < rows {
                            let n = min(block, rows - start)
                            for i in 0..<(n * f) { x[i] = Float(input[start * f + i]) }
                            for r in 0..<n { for g in 0..<groups { acc[r * groups + g] = baseMargins[g] } }
                            for t in 0..<roots.count {
                                let root = roots[t], g = Int(treeGroups[t])
                                for r in 0..<n {
                                    acc[r * groups + g] += nodes[Self.leaf(nodes, root, x + r * f)].value
                                }
                            }
                            for r in 0..<n {
                                let o = (start + r) * width
                                if groups == 1 {
                                    writeSingle(acc[r], to: output, at: o)
                                } else {
                                    writeSoftmax(acc + r * groups, prob, to: output, at: o)
                                }
                            }
                            start += n
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private func writeSingle(_ margin: Float, to output: UnsafeMutableBufferPointer<Double>, at o: Int) {
        output[o] = Double(margin)
        switch objective {
        case .logistic: output[o + 1] = Double(Float(1) / (Float(1) + expf(-margin)))
        case .identity: output[o + 1] = Double(margin)
        case .exponential: output[o + 1] = Double(expf(margin))
        case .logitRaw, .softmax: break
        }
    }

    /// Softmax in float32 as XGBoost's `Softmax`: subtract the max, exponentiate, normalise.
    private func writeSoftmax(_ acc: UnsafeMutablePointer<Float>, _ prob: UnsafeMutablePointer<Float>,
                              to output: UnsafeMutableBufferPointer<Double>, at o: Int) {
        var maxValue = acc[0]
        var best = 0
        for g in 1..<groups where acc[g] > maxValue { maxValue = acc[g]; best = g }
        var total: Float = 0
        for g in 0..<groups {
            prob[g] = expf(acc[g] - maxValue)
            total += prob[g]
        }
        for g in 0..<groups {
            output[o + g] = Double(acc[g])
            output[o + groups + g] = Double(prob[g] / total)
        }
        output[o + 2 * groups] = Double(best)
    }

    public func leafIndices(_ input: UnsafeBufferPointer<Double>, rows: Int, into output: UnsafeMutableBufferPointer<Int32>) {
        let f = featureNames.count
        nodes.withUnsafeBufferPointer { nodes in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: f) { scratch in
                let x = scratch.baseAddress!
                for r in 0..<rows {
                    for j in 0..<f { x[j] = Float(input[r * f + j]) }
                    for t in 0..<roots.count { output[r * roots.count + t] = nodes[Self.leaf(nodes, roots[t], x)].info }
                }
            }
        }
    }
}
