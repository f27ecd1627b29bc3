/// The dataflow graph of a topology: sources, operators and sinks as nodes; streams as edges.
public struct TopologyGraph: Sendable, Hashable {
    public enum NodeKind: Sendable, Hashable {
        case source
        case `operator`(OperatorKind)
        case sink
    }

    public struct Node: Sendable, Hashable {
        public var id: String
        public var kind: NodeKind
        /// A short description: the topic for sources and sinks, the operator type otherwise.
        public var label: String
        /// The field the node's output is partitioned by; `nil` when unknown or unkeyed.
        public var partitionKey: String?
        /// Repartition topics the engine routes this node's input(s) through.
        public var repartitionTopics: [String]
        /// Branch names of a `route` operator.
        public var branches: [String]
    }

    /// Which input of the target an edge feeds.
    public enum Role: String, Sendable, Hashable {
        case input, left, right, performance
    }

    public struct Edge: Sendable, Hashable {
        public var from: String
        /// The route branch the edge leaves from.
        public var branch: String?
        public var to: String
        public var role: Role
        /// Set when the records are re-keyed through this topic on the way.
        public var repartitionTopic: String?
    }

    public var nodes: [Node]
    public var edges: [Edge]
    /// Node ids, every node after all of its inputs (stable: file order among independent nodes).
    public var topologicalOrder: [String]

    public func node(_ id: String) -> Node? { nodes.first { $0.id == id } }
    public func outgoing(_ id: String) -> [Edge] { edges.filter { $0.from == id } }
    public func incoming(_ id: String) -> [Edge] { edges.filter { $0.to == id } }
    /// How many edges leave each node (fan-out > 1 means the stream is shared).
    public var fanOut: [String: Int] {
        var out: [String: Int] = [:]
        for n in nodes { out[n.id] = 0 }
        for e in edges { out[e.from, default: 0] += 1 }
        return out
    }
}
