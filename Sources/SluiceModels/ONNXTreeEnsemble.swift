/// A flattened ONNX tree node. Leaves carry a range of `(target, weight)` entries.
struct ONNXTreeNode: Sendable {
    enum Mode: UInt8, Sendable { case leq, lt, gte, gt, eq, neq, leaf }
    var value: Float
    var feature: Int32
    var trueChild: Int32
    var falseChild: Int32
    var mode: Mode
    var missingTracksTrue: Bool
    var weightStart: Int32
    var weightCount: Int32
}

/// The trees of a TreeEnsembleRegressor / TreeEnsembleClassifier (ai.onnx.ml, v1 attributes and
/// their `*_as_tensor` v3 variants), flattened with roots in ascending tree id order.
struct ONNXTrees: Sendable {
    var nodes: [ONNXTreeNode] = []
    var roots: [Int32] = []
    var weightTargets: [Int32] = []
    var weightValues: [Float] = []
    var maxFeature = -1

    /// Reads the node and weight attributes; `prefix` is `target` or `class`.
    init(_ ctx: ONNXNodeContext, prefix: String) throws(ModelError) {
        let treeIDs = try ctx.requiredInts("nodes_treeids")
        let nodeIDs = try ctx.requiredInts("nodes_nodeids")
        let features = try ctx.requiredInts("nodes_featureids")
        let values = try ctx.requiredFloats("nodes_values")
        let trueIDs = try ctx.requiredInts("nodes_truenodeids")
        let falseIDs = try ctx.requiredInts("nodes_falsenodeids")
        guard let modes = ctx.strings("nodes_modes") else {
            throw ctx.error(.missingField, "required attribute is missing", attribute: "nodes_modes")
        }
        let missing = ctx.ints("nodes_missing_value_tracks_true") ?? []
        let n = treeIDs.count
        for (name, count) in [("nodes_nodeids", nodeIDs.count), ("nodes_featureids", features.count),
                              ("nodes_values", values.count), ("nodes_truenodeids", trueIDs.count),
                              ("nodes_falsenodeids", falseIDs.count), ("nodes_modes", modes.count),
                              ("nodes_missing_value_tracks_true", missing.isEmpty ? n : missing.count)] where count != n {
            throw ctx.error(.invalidField, "has \(count) entries, nodes_treeids has \(n)", attribute: name)
        }
        guard n > 0 else { throw ctx.error(.invalidField, "the ensemble has no nodes", attribute: "nodes_treeids") }
        var index = [Key: Int](minimumCapacity: n)
        for k in 0..<n {
            let key = Key(tree: treeIDs[k], node: nodeIDs[k])
            guard index.updateValue(k, forKey: key) == nil else {
                throw ctx.error(.invalidField, "node (\(treeIDs[k]), \(nodeIDs[k])) is defined twice", attribute: "nodes_nodeids")
            }
        }
        var parsedModes = [ONNXTreeNode.Mode]()
        for (k, text) in modes.enumerated() {
            let mode: ONNXTreeNode.Mode? = switch text {
            case "BRANCH_LEQ": .leq
            case "BRANCH_LT": .lt
            case "BRANCH_GTE": .gte
            case "BRANCH_GT": .gt
            case "BRANCH_EQ": .eq
            case "BRANCH_NEQ": .neq
            case "LEAF": .leaf
            default: nil
            }
            guard let mode else { throw ctx.error(.unsupported, "node mode '\(text)' at \(k) is not supported", attribute: "nodes_modes") }
            parsedModes.append(mode)
        }
        // Leaf weights, grouped per node in attribute order.
        let wTrees = try ctx.requiredInts("\(prefix)_treeids")
        let wNodes = try ctx.requiredInts("\(prefix)_nodeids")
        let wIDs = try ctx.requiredInts("\(prefix)_ids")
        let wValues = try ctx.requiredFloats("\(prefix)_weights")
        guard wNodes.count == wTrees.count, wIDs.count == wTrees.count, wValues.count == wTrees.count else {
            throw ctx.error(.invalidField, "\(prefix)_treeids/_nodeids/_ids/_weights differ in length", attribute: "\(prefix)_weights")
        }
        var perNode = [[(Int32, Float)]](repeating: [], count: n)
        for w in 0..<wTrees.count {
            guard let k = index[Key(tree: wTrees[w], node: wNodes[w])] else {
                throw ctx.error(.invalidField, "weight \(w) refers to unknown node (\(wTrees[w]), \(wNodes[w]))",
                                attribute: "\(prefix)_nodeids")
            }
            guard parsedModes[k] == .leaf else {
                throw ctx.error(.invalidField, "weight \(w) is attached to a branch node", attribute: "\(prefix)_nodeids")
            }
            guard wIDs[w] >= 0, wIDs[w] < 1 << 20 else {
                throw ctx.error(.invalidField, "invalid id \(wIDs[w])", attribute: "\(prefix)_ids")
            }
            perNode[k].append((Int32(wIDs[w]), wValues[w]))
        }
        // Flatten in attribute order; children resolved through (tree, node) ids.
        for k in 0..<n {
            var node = ONNXTreeNode(value: values[k], feature: 0, trueChild: -1, falseChild: -1, mode: parsedModes[k],
                                    missingTracksTrue: !missing.isEmpty && missing[k] != 0,
                                    weightStart: Int32(weightValues.count), weightCount: Int32(perNode[k].count))
            for (target, weight) in perNode[k] { weightTargets.append(target); weightValues.append(weight) }
            if node.mode != .leaf {
                guard features[k] >= 0, features[k] < 1 << 24 else {
                    throw ctx.error(.invalidField, "invalid feature id \(features[k])", attribute: "nodes_featureids")
                }
                node.feature = Int32(features[k])
                maxFeature = max(maxFeature, Int(features[k]))
                guard let t = index[Key(tree: treeIDs[k], node: trueIDs[k])],
                      let f = index[Key(tree: treeIDs[k], node: falseIDs[k])] else {
                    throw ctx.error(.invalidField, "node (\(treeIDs[k]), \(nodeIDs[k])) has a child that does not exist",
                                    attribute: "nodes_truenodeids")
                }
                node.trueChild = Int32(t)
                node.falseChild = Int32(f)
            }
            nodes.append(node)
        }
        try findRoots(treeIDs, ctx)
    }

    private struct Key: Hashable { let tree: Int64; let node: Int64 }

    /// Each tree's root is the one node of that tree no other node points to; rejects cycles.
    private mutating func findRoots(_ treeIDs: [Int64], _ ctx: ONNXNodeContext) throws(ModelError) {
        var isChild = [Bool](repeating: false, count: nodes.count)
        for node in nodes where node.mode != .leaf {
            isChild[Int(node.trueChild)] = true
            isChild[Int(node.falseChild)] = true
        }
        var rootOf = [Int64: Int]()
        for k in nodes.indices where !isChild[k] {
            guard rootOf.updateValue(k, forKey: treeIDs[k]) == nil else {
                throw ctx.error(.invalidField, "tree \(treeIDs[k]) has more than one root", attribute: "nodes_treeids")
            }
        }
        let treeSet = Set(treeIDs)
        guard rootOf.count == treeSet.count else {
            throw ctx.error(.invalidField, "a tree has no root (its nodes form a cycle)", attribute: "nodes_truenodeids")
        }
        var visited = [Bool](repeating: false, count: nodes.count)
        for tree in treeSet.sorted() {
            let root = rootOf[tree]!
            var stack = [root]
            while let k = stack.popLast() {
                guard !visited[k] else {
                    throw ctx.error(.invalidField, "tree \(tree) reaches a node twice (cycle or shared subtree)",
                                    attribute: "nodes_truenodeids")
                }
                visited[k] = true
                if nodes[k].mode != .leaf { stack.append(Int(nodes[k].trueChild)); stack.append(Int(nodes[k].falseChild)) }
            }
            roots.append(Int32(root))
        }
    }

    /// The leaf reached from `root` by the float32 row `x`.
    @inline(__always)
    static func leaf(_ nodes: UnsafeBufferPointer<ONNXTreeNode>, _ root: Int32, _ x: UnsafePointer<Float>) -> Int {
        var k = Int(root)
        while true {
            let node = nodes[k]
            let goTrue: Bool
            let v = x[Int(node.feature)]
            if v.isNaN && node.mode != .leaf {
                goTrue = node.missingTracksTrue
            } else {
                switch node.mode {
                case .leaf: return k
                case .leq: goTrue = v <= node.value
                case .lt: goTrue = v < node.value
                case .gte: goTrue = v >= node.value
                case .gt: goTrue = v > node.value
                case .eq: goTrue = v == node.value
                case .neq: goTrue = v != node.value
                }
            }
            k = Int(goTrue ? node.trueChild : node.falseChild)
        }
    }

    /// Sums the leaf weights of every tree into `acc` (float32, tree order) for one row.
    @inline(__always)
    func accumulate(_ x: UnsafePointer<Float>, _ acc: UnsafeMutablePointer<Float>,
                    _ nodes: UnsafeBufferPointer<ONNXTreeNode>) {
        for root in roots {
            let leaf = nodes[Self.leaf(nodes, root, x)]
            for w in Int(leaf.weightStart)..<Int(leaf.weightStart + leaf.weightCount) {
                acc[Int(weightTargets[w])] += weightValues[w]
            }
        }
    }
}
