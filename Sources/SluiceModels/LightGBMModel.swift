/// A LightGBM tree ensemble, scored as LightGBM's `Tree::GetLeaf` does on raw float64 inputs:
/// numerical splits `x <= threshold`, NaN treated as 0.0 unless the split's missing type is NaN,
/// missing type Zero routing |x| <= 1e-35 the default way, categorical splits via bitsets.
public struct LightGBMModel: LeafIndexing {
    public let featureNames: [String]
    let objective: LightGBMObjective
    let nodes: [LGBNode]
    let roots: [Int32]
    let catBits: [UInt32]

    public var format: ModelFormat { .lightgbm }
    public var outputNames: [String] { objective.outputNames }
    public var treeCount: Int { roots.count }

    /// LightGBM's kZeroThreshold: the float32 1e-35.
    private static let zeroThreshold = Double(Float(1e-35))

    init(featureNames: [String], objective: LightGBMObjective, nodes: [LGBNode], roots: [Int32], catBits: [UInt32]) {
        self.featureNames = featureNames
        self.objective = objective
        self.nodes = nodes
        self.roots = roots
        self.catBits = catBits
    }

    @inline(__always)
    private static func leaf(_ nodes: UnsafeBufferPointer<LGBNode>, _ bits: UnsafeBufferPointer<UInt32>,
                             _ root: Int32, _ x: UnsafePointer<Double>) -> Int {
        var i = Int(root)
        while true {
            let node = nodes[i]
            if node.kind == LGBNode.numerical {
                var f = x[Int(node.feature)]
                if f.isNaN && node.missingType != 2 { f = 0 }
                let goLeft: Bool
                if (node.missingType == 1 && f >= -zeroThreshold && f <= zeroThreshold)
                    || (node.missingType == 2 && f.isNaN) {
                    goLeft = node.defaultLeft
                } else {
                    goLeft = f <= node.value
                }
                i = Int(goLeft ? node.left : node.right)
            } else if node.kind == LGBNode.categorical {
                i = Int(categoryInSet(x[Int(node.feature)], node, bits) ? node.left : node.right)
            } else {
                return i
            }
        }
    }

    /// LightGBM 4's `CategoricalDecision`: NaN and negative values go right; otherwise left iff the
    /// integer category's bit is set.
    @inline(__always)
    private static func categoryInSet(_ f: Double, _ node: LGBNode, _ bits: UnsafeBufferPointer<UInt32>) -> Bool {
        guard !f.isNaN, f > -1, f < 2_147_483_648 else { return false }
        let category = Int(f)
        let word = category / 32
        guard word < Int(node.catCount) else { return false }
        return (bits[Int(node.catStart) + word] >> UInt32(category % 32)) & 1 == 1
    }

    public func score(_ input: UnsafeBufferPointer<Double>, rows: Int, into output: UnsafeMutableBufferPointer<Double>) {
        let f = featureNames.count
        let width = outputNames.count
        let k = objective.classes
        nodes.withUnsafeBufferPointer { nodes in
            catBits.withUnsafeBufferPointer { bits in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: k) { raw in
                    let acc = raw.baseAddress!
                    for r in 0..<rows {
                        let x = input.baseAddress! + r * f
                        for c in 0..<k { acc[c] = 0 }
                        for t in 0..<roots.count {
                            acc[t % k] += nodes[Self.leaf(nodes, bits, roots[t], x)].value
                        }
                        objective.write(acc, to: output, at: r * width)
                    }
                }
            }
        }
    }

    public func leafIndices(_ input: UnsafeBufferPointer<Double>, rows: Int, into output: UnsafeMutableBufferPointer<Int32>) {
        let f = featureNames.count
        nodes.withUnsafeBufferPointer { nodes in
            catBits.withUnsafeBufferPointer { bits in
                for r in 0..<rows {
                    let x = input.baseAddress! + r * f
                    for t in 0..<roots.count {
                        output[r * roots.count + t] = nodes[Self.leaf(nodes, bits, roots[t], x)].left
                    }
                }
            }
        }
    }
}
