import SluiceCore
import SluiceTopology

/// A topology cut into the pieces one partition task runs.
///
/// Edges into a keyed operator whose input is not partitioned by its key go through a repartition topic
/// (`<app>-<operator>-repartition`): the upstream side writes keyed records to it, and the downstream side
/// reads it like a source. What remains connected is a **subtopology**; a task is one subtopology at one
/// partition number, consuming that partition of every topic the subtopology reads (co-partitioning, as the
/// range assignor hands out the same partition numbers of equally partitioned topics to one member).
struct DataflowPlan: Sendable {
    enum NodeKind: Sendable {
        case source(Source)
        /// Reads a repartition topic written by `RepartitionWrite` nodes.
        case repartitionSource(topic: String)
        case `operator`(Operator)
        case sink(Sink)
        /// Writes records keyed by `key` to a repartition topic.
        case repartitionSink(topic: String, key: SluiceTopology.Expression)
    }

    struct Input: Sendable {
        var node: Int
        var branch: String?
        var side: InputSide
    }

    struct Node: Sendable {
        var id: String
        var kind: NodeKind
        var inputs: [Input]
        var subtopology: Int = -1
    }

    struct Subtopology: Sendable {
        var id: Int
        /// Node indices in topological order.
        var nodes: [Int]
        /// Topics this subtopology consumes, with the node each feeds.
        var topics: [String: Int]
        var isStateful: Bool
    }

    var nodes: [Node] = []
    var subtopologies: [Subtopology] = []
    /// Topic → subtopology consuming it.
    var topicOwner: [String: Int] = [:]
    /// Repartition topics the plan needs.
    var repartitionTopics: [String] { nodes.compactMap { if case .repartitionSource(let t) = $0.kind { t } else { nil } } }

    init(topology: Topology) {
        var index: [String: Int] = [:]
        func add(_ node: Node) -> Int {
            nodes.append(node)
            index[node.id] = nodes.count - 1
            return nodes.count - 1
        }
        for source in topology.sources { _ = add(Node(id: source.id, kind: .source(source), inputs: [])) }

        // Operators in the compiler's topological order, so every input exists before its consumer.
        let byID = Dictionary(uniqueKeysWithValues: topology.operators.map { ($0.id, $0) })
        for id in topology.graph.topologicalOrder {
            guard let op = byID[id] else { continue }
            var inputs: [Input] = []
            func connect(_ ref: StreamRef, side: InputSide, repartition: Repartition?) {
                guard let upstream = index[ref.node] else { return }
                if let repartition {
                    let writer = add(
                        Node(
                            id: "\(op.id)#repartition-\(side)", kind: .repartitionSink(topic: repartition.topic, key: repartition.key),
                            inputs: [Input(node: upstream, branch: ref.branch, side: .main)]))
                    _ = writer
                    let reader = add(Node(id: repartition.topic, kind: .repartitionSource(topic: repartition.topic), inputs: []))
                    inputs.append(Input(node: reader, branch: nil, side: side))
                } else {
                    inputs.append(Input(node: upstream, branch: ref.branch, side: side))
                }
            }
            switch op {
            case .join(let j):
                connect(j.left, side: .left, repartition: j.common.repartition)
                connect(j.right, side: .right, repartition: j.rightRepartition)
            case .drift(let d):
                connect(d.common.input, side: .main, repartition: nil)
                if let p = d.performance { connect(p.from, side: .right, repartition: nil) }
            default:
                connect(op.common.input, side: .main, repartition: op.common.repartition)
            }
            _ = add(Node(id: op.id, kind: .operator(op), inputs: inputs))
        }
        for sink in topology.sinks {
            if let upstream = index[sink.input.node] {
                _ = add(Node(id: sink.id, kind: .sink(sink), inputs: [Input(node: upstream, branch: sink.input.branch, side: .main)]))
            }
        }
        assignSubtopologies()
    }

    /// Connected components over the remaining (non-repartition) edges.
    private mutating func assignSubtopologies() {
        var parent = Array(nodes.indices)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        for (i, node) in nodes.enumerated() {
            for input in node.inputs { parent[find(i)] = find(input.node) }
        }
        var componentIDs: [Int: Int] = [:]
        for i in nodes.indices {
            let root = find(i)
            let id = componentIDs[root] ?? componentIDs.count
            componentIDs[root] = id
            nodes[i].subtopology = id
        }
        subtopologies = (0..<componentIDs.count).map { Subtopology(id: $0, nodes: [], topics: [:], isStateful: false) }
        for (i, node) in nodes.enumerated() {
            let s = node.subtopology
            subtopologies[s].nodes.append(i)
            switch node.kind {
            case .source(let source):
                subtopologies[s].topics[source.topic] = i
                topicOwner[source.topic] = s
            case .repartitionSource(let topic):
                subtopologies[s].topics[topic] = i
                topicOwner[topic] = s
            case .operator(let op):
                if [.dedupe, .features, .join, .drift].contains(op.kind) { subtopologies[s].isStateful = true }
            default: break
            }
        }
    }

    var isStateful: Bool { subtopologies.contains { $0.isStateful } }

    /// Sinks fed straight by a source of the same format, with no key expression, custom headers, columns or
    /// schema: their records can be forwarded as the consumed bytes, without decoding and re-encoding
    /// (a pure copy topology then runs at the speed of the Kafka clients). Source topic → sink topics.
    var rawForwards: [String: [Sink]] {
        var out: [String: [Sink]] = [:]
        for sub in subtopologies {
            let kinds = sub.nodes.map { nodes[$0].kind }
            guard kinds.allSatisfy({ if case .operator = $0 { false } else if case .repartitionSink = $0 { false } else { true } })
            else { continue }
            for i in sub.nodes {
                guard case .sink(let sink) = nodes[i].kind else { continue }
                guard sink.input.branch == nil, sink.key == nil, sink.headers.isEmpty,
                    sink.columns == nil, sink.schemaFile == nil, let input = nodes[i].inputs.first,
                    case .source(let source) = nodes[input.node].kind, source.format == sink.format
                else { return [:] }
                out[source.topic, default: []].append(sink)
            }
        }
        return out
    }
    var consumedTopics: [String] { topicOwner.keys.sorted() }
}

typealias SluiceTopologyOperator = SluiceTopology.Operator
