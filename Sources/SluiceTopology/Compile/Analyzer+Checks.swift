import SluiceCore

/// Whole-topology checks (sinks, residency, unused streams) and the final graph.
extension Analyzer {
    func checkSinks() {
        var formats: [String: (DataFormat, SourceLocation)] = [:]
        var ids: [String: SourceLocation] = [:]
        let sourceTopics = Dictionary(sources.map { ($0.topic, $0.id) }, uniquingKeysWith: { a, _ in a })
        for (index, sink) in sinks.enumerated() {
            if let first = ids[sink.id], sink.id.hasPrefix("sink:") == false {
                reporter.error(DiagnosticCode.duplicateId, at: sink.location, "duplicate sink id '\(sink.id)'", hint: "first defined at line \(first.line)")
            } else if ids[sink.id] != nil {
                sinks[index].id = "\(sink.id)#\(index + 1)"
            }
            ids[sink.id] = sink.location
            if sink.cluster == nil {
                if let (format, at) = formats[sink.topic], format != sink.format {
                    reporter.error(DiagnosticCode.sinkConflict, at: sink.location,
                                   "topic '\(sink.topic)' is written as \(sink.format.rawValue) here but as \(format.rawValue) at line \(at.line)",
                                   hint: "consumers of one topic need one format; use another topic")
                } else if formats[sink.topic] == nil {
                    formats[sink.topic] = (sink.format, sink.location)
                }
                if let source = sourceTopics[sink.topic] {
                    reporter.warning(DiagnosticCode.feedbackLoop, at: sink.location, "sink writes to '\(sink.topic)', which source '\(source)' reads",
                                     hint: "records would loop through the topology")
                }
            }
        }
    }

    func checkResidency() {
        guard let residency = metadata?.residency, !residency.isEmpty else { return }
        let list = "[" + residency.joined(separator: ", ") + "]"
        if let cluster {
            if let region = cluster.region {
                if !residency.contains(region) {
                    reporter.error(DiagnosticCode.residency, at: cluster.regionLocation ?? clusterLocation,
                                   "cluster region '\(region)' is outside the topology's residency \(list)",
                                   hint: Suggest.hint(for: region, in: residency))
                }
            } else {
                reporter.error(DiagnosticCode.residency, at: clusterLocation, "metadata.residency is \(list) but cluster.region is not set",
                               hint: "add region: \(residency[0]) to cluster")
            }
        }
        for sink in sinks {
            guard let c = sink.cluster else { continue }
            if let region = c.region {
                if !residency.contains(region) {
                    reporter.error(DiagnosticCode.residency, at: c.regionLocation ?? c.location,
                                   "sink to topic '\(sink.topic)' would send data to region '\(region)', outside the topology's residency \(list)",
                                   hint: "data tagged for \(list) may not leave those regions")
                }
            } else {
                reporter.error(DiagnosticCode.residency, at: c.location, "the cluster of sink '\(sink.topic)' has no region, so residency \(list) cannot be verified",
                               hint: "add region: to the sink's cluster")
            }
        }
    }

    func checkUnused() {
        var consumed = Set<String>()
        for ref in validRefs { consumed.insert(ref.node) }
        for s in sources where !consumed.contains(s.id) {
            reporter.warning(DiagnosticCode.unused, at: s.location, "source '\(s.id)' is not read by any operator or sink")
        }
        for op in operators where !consumed.contains(op.id) && op.sideOutputTopics.isEmpty {
            reporter.warning(DiagnosticCode.unused, at: op.location, "the output of operator '\(op.id)' goes nowhere",
                             hint: "add a sink with input: \(op.id), or remove the operator")
        }
    }

    func buildGraph(order: [String]) -> TopologyGraph {
        var nodes: [TopologyGraph.Node] = []
        var edges: [TopologyGraph.Edge] = []
        for s in sources {
            nodes.append(.init(id: s.id, kind: .source, label: "\(s.topic) (\(s.format.rawValue))", partitionKey: outputs[s.id]?.key,
                               repartitionTopics: [], branches: []))
        }
        for op in operators {
            var repartitions = [op.common.repartition].compactMap { $0?.topic }
            var branches: [String] = []
            if case .join(let j) = op, let r = j.rightRepartition { repartitions.append(r.topic) }
            if case .route(let r) = op { branches = r.outputNames }
            nodes.append(.init(id: op.id, kind: .operator(op.kind), label: op.kind.rawValue, partitionKey: outputs[op.id]?.key,
                               repartitionTopics: repartitions, branches: branches))
            for (n, ref) in op.inputs.enumerated() where validRefs.contains(ref) {
                var role = TopologyGraph.Role.input
                var topic = op.common.repartition?.topic
                if case .join(let j) = op {
                    role = n == 0 ? .left : .right
                    if n == 1 { topic = j.rightRepartition?.topic }
                } else if op.kind == .drift, n == 1 {
                    role = .performance
                    topic = nil
                }
                edges.append(.init(from: ref.node, branch: ref.branch, to: op.id, role: role, repartitionTopic: topic))
            }
        }
        var sinkOrder: [String] = []
        let placed = Set(order)
        for sink in sinks {
            nodes.append(.init(id: sink.id, kind: .sink, label: "\(sink.topic) (\(sink.format.rawValue))", partitionKey: sink.key?.simpleField,
                               repartitionTopics: [], branches: []))
            if validRefs.contains(sink.input) {
                edges.append(.init(from: sink.input.node, branch: sink.input.branch, to: sink.id, role: .input, repartitionTopic: nil))
                if placed.contains(sink.input.node) { sinkOrder.append(sink.id) }
            }
        }
        return TopologyGraph(nodes: nodes, edges: edges, topologicalOrder: order + sinkOrder)
    }
}
