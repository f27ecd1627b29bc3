/// One node of a flattened LightGBM tree (internal nodes first, then leaves).
struct LGBNode: Sendable {
    static let leaf: UInt8 = 0, numerical: UInt8 = 1, categorical: UInt8 = 2

    /// Numerical threshold (`<=`, float64) or the leaf value.
    var value: Double
    var feature: Int32
    /// Flat child indices; for a leaf, `left` is the leaf index (0..<num_leaves).
    var left: Int32
    var right: Int32
    var kind: UInt8
    var defaultLeft: Bool
    /// 0 None, 1 Zero, 2 NaN.
    var missingType: UInt8
    /// Categorical split: the bitset words `catBits[catStart..<catStart+catCount]`.
    var catStart: Int32
    var catCount: Int32
}

extension LightGBMModel {
    /// Parses a LightGBM text model (`Booster.save_model`).
    public init(text bytes: [UInt8]) throws(ModelError) {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).makeIterator()
        var header = [String: String]()
        var sawTree = false
        var trees = [[String: Substring]]()
        var current: [String: Substring]?
        var ended = false
        while let rawLine = lines.next() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line == "end of trees" { ended = true; break }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq])
            let value = line[line.index(after: eq)...]
            if key == "Tree" {
                if let current { trees.append(current) }
                current = [:]
                sawTree = true
            } else if sawTree {
                current?[key] = value
            } else {
                header[key] = String(value)
            }
        }
        if let current { trees.append(current) }
        guard ended else {
            throw ModelError(.malformed, "LightGBM model text has no 'end of trees' line (truncated or not a LightGBM model)")
        }
        guard let objectiveText = header["objective"] else {
            throw ModelError(.missingField, "LightGBM model has no objective", detail: "header 'objective'")
        }
        let objective = try LightGBMObjective(text: objectiveText)
        guard let namesText = header["feature_names"] else {
            throw ModelError(.missingField, "LightGBM model has no feature names", detail: "header 'feature_names'")
        }
        let names = namesText.split(separator: " ").map(String.init)
        guard !names.isEmpty else {
            throw ModelError(.invalidField, "feature_names is empty", detail: "header 'feature_names'")
        }
        let perIteration = try Int(header["num_tree_per_iteration"] ?? "1").orThrow("num_tree_per_iteration")
        guard perIteration == objective.classes else {
            throw ModelError(.invalidField, "num_tree_per_iteration=\(perIteration) does not match \(objective.classes) classes",
                             detail: "header 'num_tree_per_iteration'")
        }
        var nodes = [LGBNode]()
        var roots = [Int32]()
        var catBits = [UInt32]()
        for (t, tree) in trees.enumerated() {
            roots.append(Int32(nodes.count))
            do {
                try Self.flatten(tree, featureCount: names.count, nodes: &nodes, catBits: &catBits)
            } catch {
                throw error.within("Tree=\(t)")
            }
        }
        self.init(featureNames: names, objective: objective, nodes: nodes, roots: roots, catBits: catBits)
    }

    private static func flatten(_ tree: [String: Substring], featureCount: Int,
                                nodes: inout [LGBNode], catBits: inout [UInt32]) throws(ModelError) {
        func field(_ key: String) throws(ModelError) -> Substring {
            guard let value = tree[key] else {
                throw ModelError(.missingField, "tree has no '\(key)'", detail: "field '\(key)'")
            }
            return value
        }
        func numbers<T: LosslessStringConvertible>(_ key: String, _ count: Int, as _: T.Type) throws(ModelError) -> [T] {
            let parts = try field(key).split(separator: " ")
            guard parts.count == count else {
                throw ModelError(.invalidField, "expected \(count) values, found \(parts.count)", detail: "field '\(key)'")
            }
            var out = [T]()
            out.reserveCapacity(count)
            for part in parts {
                guard let v = T(String(part)) else {
                    throw ModelError(.invalidField, "'\(part)' is not a valid number", detail: "field '\(key)'")
                }
                out.append(v)
            }
            return out
        }
        if let linear = tree["is_linear"], linear != "0" {
            throw ModelError(.unsupported, "linear trees (is_linear=1) are not supported", detail: "field 'is_linear'")
        }
        let numLeaves = try Int(String(try field("num_leaves"))).orThrow("num_leaves")
        guard numLeaves >= 1, numLeaves < 1 << 24 else {
            throw ModelError(.invalidField, "num_leaves must be >= 1", detail: "field 'num_leaves'")
        }
        let leafValues = try numbers("leaf_value", numLeaves, as: Double.self)
        let base = nodes.count
        let internalCount = numLeaves - 1
        let leafBase = base + internalCount
        if internalCount == 0 {
            nodes.append(LGBNode(value: leafValues[0], feature: -1, left: 0, right: 0, kind: LGBNode.leaf,
                                 defaultLeft: false, missingType: 0, catStart: 0, catCount: 0))
            return
        }
        let features = try numbers("split_feature", internalCount, as: Int.self)
        let thresholds = try numbers("threshold", internalCount, as: Double.self)
        let decision = try numbers("decision_type", internalCount, as: Int.self)
        let left = try numbers("left_child", internalCount, as: Int.self)
        let right = try numbers("right_child", internalCount, as: Int.self)
        let numCat = try Int(String(tree["num_cat"] ?? "0")).orThrow("num_cat")
        var boundaries = [Int]()
        var bits = [UInt32]()
        if numCat > 0 {
            boundaries = try numbers("cat_boundaries", numCat + 1, as: Int.self)
            guard boundaries.first == 0, zip(boundaries, boundaries.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw ModelError(.invalidField, "cat_boundaries must start at 0 and increase", detail: "field 'cat_boundaries'")
            }
            bits = try numbers("cat_threshold", boundaries.last!, as: UInt32.self)
        }
        func child(_ c: Int, of i: Int, _ key: String) throws(ModelError) -> Int32 {
            if c >= 0 {
                guard c < internalCount else {
                    throw ModelError(.invalidField, "node \(i) points to node \(c) of \(internalCount)", detail: "field '\(key)'")
                }
                return Int32(base + c)
            }
            let leaf = ~c
            guard leaf < numLeaves else {
                throw ModelError(.invalidField, "node \(i) points to leaf \(leaf) of \(numLeaves)", detail: "field '\(key)'")
            }
            return Int32(leafBase + leaf)
        }
        for i in 0..<internalCount {
            guard features[i] >= 0, features[i] < featureCount else {
                throw ModelError(.invalidField, "node \(i) splits on feature \(features[i]) of \(featureCount)",
                                 detail: "field 'split_feature'")
            }
            let dt = decision[i]
            var node = LGBNode(value: thresholds[i], feature: Int32(features[i]),
                               left: try child(left[i], of: i, "left_child"), right: try child(right[i], of: i, "right_child"),
                               kind: LGBNode.numerical, defaultLeft: dt & 2 != 0, missingType: UInt8((dt >> 2) & 3),
                               catStart: 0, catCount: 0)
            if dt & 1 != 0 {
                let catIndex = thresholds[i]
                guard catIndex >= 0, catIndex < Double(numCat), catIndex.rounded() == catIndex else {
                    throw ModelError(.invalidField, "categorical node \(i) refers to category set \(catIndex) of \(numCat)",
                                     detail: "field 'threshold'")
                }
                let k = Int(catIndex)
                node.kind = LGBNode.categorical
                node.catStart = Int32(catBits.count + boundaries[k])
                node.catCount = Int32(boundaries[k + 1] - boundaries[k])
            } else if thresholds[i].isNaN {
                throw ModelError(.invalidField, "node \(i) has a NaN threshold", detail: "field 'threshold'")
            }
            nodes.append(node)
        }
        for k in 0..<numLeaves {
            nodes.append(LGBNode(value: leafValues[k], feature: -1, left: Int32(k), right: 0, kind: LGBNode.leaf,
                                 defaultLeft: false, missingType: 0, catStart: 0, catCount: 0))
        }
        catBits.append(contentsOf: bits)
        try checkIsTree(nodes, base: base, internalCount: internalCount)
    }

    /// Rejects cycles and shared subtrees, which would make scoring loop forever.
    private static func checkIsTree(_ nodes: [LGBNode], base: Int, internalCount: Int) throws(ModelError) {
        var seen = [Bool](repeating: false, count: internalCount)
        var stack = [base]
        while let flat = stack.popLast() {
            let node = nodes[flat]
            if node.kind == LGBNode.leaf { continue }
            let i = flat - base
            guard !seen[i] else {
                throw ModelError(.invalidField, "node \(i) is reached twice (cycle or shared subtree)", detail: "field 'left_child'")
            }
            seen[i] = true
            stack.append(Int(node.left))
            stack.append(Int(node.right))
        }
    }
}

extension Optional where Wrapped == Int {
    func orThrow(_ field: String) throws(ModelError) -> Int {
        guard let self else { throw ModelError(.invalidField, "'\(field)' is not an integer", detail: "field '\(field)'") }
        return self
    }
}
