/// One node of a flattened XGBoost tree. Children are adjacent (`right == left + 1`) so that
/// the traversal is one load and one add per level.
struct XGBNode: Sendable {
    /// Feature index, or -1 for a leaf.
    var feature: Int32
    /// Flat index of the left child (right child is `left + 1`); unused for a leaf.
    var left: Int32
    /// Split threshold (float32, strict `<`), or the leaf value.
    var value: Float
    /// Internal node: 1 if a missing value goes left. Leaf: the node's index in the original tree arrays.
    var info: Int32
}

extension XGBoostModel {
    /// Parses an XGBoost native JSON model (`Booster.save_model("model.json")`).
    public init(json bytes: [UInt8], featureNames override: [String]? = nil) throws(ModelError) {
        try self.init(document: try JSONParser.parse(bytes), featureNames: override)
    }

    init(document root: JSONValue, featureNames override: [String]?) throws(ModelError) {
        let learner = try root.member("learner", "$")
        let params = try learner.member("learner_model_param", "learner")
        let objectiveName = try learner.member("objective", "learner").member("name", "learner.objective")
            .string("learner.objective.name")
        let objective = try XGBoostObjective(name: objectiveName)
        let numFeature = try params.member("num_feature", "learner.learner_model_param")
            .int("learner.learner_model_param.num_feature")
        let numClass = try params.optionalMember("num_class", "learner.learner_model_param")?
            .int("learner.learner_model_param.num_class") ?? 0
        let groups = objective == .softmax ? max(numClass, 1) : 1
        guard numFeature > 0, numFeature < 1 << 24 else {
            throw ModelError(.invalidField, "num_feature must be positive", detail: "field 'learner.learner_model_param.num_feature'")
        }
        var names = try learner.optionalMember("feature_names", "learner")?.strings("learner.feature_names") ?? []
        if names.isEmpty { names = override ?? (0..<numFeature).map { "f\($0)" } }
        guard names.count == numFeature else {
            throw ModelError(.invalidField, "\(names.count) feature names for num_feature=\(numFeature)",
                             detail: "field 'learner.feature_names'")
        }

        let scores = try XGBoostObjective.parseBaseScore(
            try params.member("base_score", "learner.learner_model_param"))
        guard scores.count == 1 || scores.count == groups else {
            throw ModelError(.invalidField, "base_score has \(scores.count) values for \(groups) output groups",
                             detail: "field 'learner.learner_model_param.base_score'")
        }
        var baseMargins = [Float]()
        for g in 0..<groups { baseMargins.append(try objective.baseMargin(scores[scores.count == 1 ? 0 : g])) }

        let booster = try learner.member("gradient_booster", "learner")
        let boosterName = try booster.member("name", "learner.gradient_booster").string("learner.gradient_booster.name")
        guard boosterName == "gbtree" else {
            throw ModelError(.unsupported, "booster '\(boosterName)' is not supported (only gbtree)",
                             detail: "field 'learner.gradient_booster.name'")
        }
        let model = try booster.member("model", "learner.gradient_booster")
        let modelPath = "learner.gradient_booster.model"
        let trees = try model.member("trees", modelPath).array("\(modelPath).trees")
        let treeInfo = try model.optionalMember("tree_info", modelPath)?.ints("\(modelPath).tree_info")
            ?? [Int](repeating: 0, count: trees.count)
        guard treeInfo.count == trees.count else {
            throw ModelError(.invalidField, "tree_info has \(treeInfo.count) entries for \(trees.count) trees",
                             detail: "field '\(modelPath).tree_info'")
        }

        var nodes = [XGBNode]()
        var roots = [Int32]()
        for (t, tree) in trees.enumerated() {
            guard treeInfo[t] >= 0, treeInfo[t] < groups else {
                throw ModelError(.invalidField, "tree \(t) belongs to group \(treeInfo[t]) but the model has \(groups)",
                                 detail: "field '\(modelPath).tree_info[\(t)]'")
            }
            roots.append(Int32(nodes.count))
            try Self.flatten(tree, path: "\(modelPath).trees[\(t)]", numFeature: numFeature, into: &nodes)
        }
        self.init(featureNames: names, objective: objective, groups: groups, baseMargins: baseMargins,
                  nodes: nodes, roots: roots, treeGroups: treeInfo.map(Int32.init))
    }

    private static func flatten(_ tree: JSONValue, path: String, numFeature: Int,
                                into nodes: inout [XGBNode]) throws(ModelError) {
        let left = try tree.member("left_children", path).ints("\(path).left_children")
        let right = try tree.member("right_children", path).ints("\(path).right_children")
        let feature = try tree.member("split_indices", path).ints("\(path).split_indices")
        let cond = try tree.member("split_conditions", path).floats("\(path).split_conditions")
        let defaultLeft = try tree.member("default_left", path).ints("\(path).default_left")
        let splitType = try tree.optionalMember("split_type", path)?.ints("\(path).split_type")
        let n = left.count
        guard n > 0 else { throw ModelError(.invalidField, "tree has no nodes", detail: "field '\(path).left_children'") }
        for (name, count) in [("right_children", right.count), ("split_indices", feature.count),
                              ("split_conditions", cond.count), ("default_left", defaultLeft.count),
                              ("split_type", splitType?.count ?? n)] where count != n {
            throw ModelError(.invalidField, "\(name) has \(count) entries, left_children has \(n)",
                             detail: "field '\(path).\(name)'")
        }
        if let params = try tree.optionalMember("tree_param", path),
           let leafVector = try params.optionalMember("size_leaf_vector", "\(path).tree_param"),
           try leafVector.int("\(path).tree_param.size_leaf_vector") > 1 {
            throw ModelError(.unsupported, "multi-target (vector-leaf) trees are not supported",
                             detail: "field '\(path).tree_param.size_leaf_vector'")
        }
        // Breadth-first renumbering: each internal node's two children get adjacent slots.
        let base = nodes.count
        var visited = [Bool](repeating: false, count: n)
        var queue: [(orig: Int, flat: Int)] = [(0, base)]
        nodes.append(XGBNode(feature: -1, left: 0, value: 0, info: 0))
        visited[0] = true
        var head = 0
        while head < queue.count {
            let (i, flat) = queue[head]
            head += 1
            if left[i] == -1 {
                nodes[flat] = XGBNode(feature: -1, left: 0, value: cond[i], info: Int32(i))
                continue
            }
            let l = left[i], r = right[i]
            guard l > 0, l < n, r > 0, r < n, !visited[l], !visited[r], l != r else {
                throw ModelError(.invalidField, "node \(i) has invalid children (\(l), \(r))",
                                 detail: "field '\(path).left_children[\(i)]'")
            }
            guard feature[i] >= 0, feature[i] < numFeature else {
                throw ModelError(.invalidField, "node \(i) splits on feature \(feature[i]) of \(numFeature)",
                                 detail: "field '\(path).split_indices[\(i)]'")
            }
            if let splitType, splitType[i] != 0 {
                throw ModelError(.unsupported, "categorical splits are not supported (node \(i))",
                                 detail: "field '\(path).split_type[\(i)]'")
            }
            visited[l] = true
            visited[r] = true
            let childFlat = nodes.count
            nodes.append(XGBNode(feature: -1, left: 0, value: 0, info: 0))
            nodes.append(XGBNode(feature: -1, left: 0, value: 0, info: 0))
            nodes[flat] = XGBNode(feature: Int32(feature[i]), left: Int32(childFlat), value: cond[i],
                                  info: defaultLeft[i] != 0 ? 1 : 0)
            queue.append((l, childFlat))
            queue.append((r, childFlat + 1))
        }
    }
}
