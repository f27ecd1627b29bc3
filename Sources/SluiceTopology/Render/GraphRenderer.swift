/// Draws a topology's dataflow graph as an indented text tree, Graphviz DOT or a Mermaid flowchart.
///
/// ```swift
/// print(GraphRenderer.render(topology, format: .mermaid))
/// ```
public enum GraphRenderer {
    public enum Format: String, Sendable, CaseIterable { case text, dot, mermaid }

    public static func render(_ topology: Topology, format: Format) -> String {
        switch format {
        case .text: text(topology)
        case .dot: dot(topology)
        case .mermaid: mermaid(topology)
        }
    }

    /// A one-line description of a node: `features [features] key=user_id ⇄ app-features-repartition`.
    static func describe(_ node: TopologyGraph.Node) -> String {
        var s: String
        switch node.kind {
        case .source: s = "\(node.id) [source \(node.label)]"
        case .operator(let kind): s = "\(node.id) [\(kind.rawValue)]"
        case .sink: s = "→ \(node.label)"
        }
        if let key = node.partitionKey, node.kind != .sink { s += " key=\(key)" }
        for topic in node.repartitionTopics { s += " (repartition via \(topic))" }
        return s
    }

    static func edgeTag(_ e: TopologyGraph.Edge) -> String {
        var parts: [String] = []
        if let b = e.branch { parts.append(b) }
        if e.role != .input { parts.append(e.role.rawValue) }
        return parts.joined(separator: ", ")
    }

    /// Sources as roots; a node reached a second time (a join's other side) is shown as a reference.
    static func text(_ t: Topology) -> String {
        var lines = ["\(t.metadata.name) v\(t.metadata.version) (\(t.topologyHashHex))"]
        var shown = Set<String>()
        func walk(_ id: String, edge: TopologyGraph.Edge?, prefix: String, childPrefix: String) {
            guard let node = t.graph.node(id) else { return }
            let tag = edge.map(edgeTag).flatMap { $0.isEmpty ? nil : "(\($0)) " } ?? ""
            if shown.contains(id) {
                lines.append(prefix + tag + "\(id) ↑")
                return
            }
            shown.insert(id)
            lines.append(prefix + tag + describe(node))
            let children = t.graph.outgoing(id)
            for (i, child) in children.enumerated() {
                let last = i == children.count - 1
                walk(child.to, edge: child, prefix: childPrefix + (last ? "└─ " : "├─ "), childPrefix: childPrefix + (last ? "   " : "│  "))
            }
        }
        for node in t.graph.nodes where node.kind == .source { walk(node.id, edge: nil, prefix: "", childPrefix: "") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func dot(_ t: Topology) -> String {
        var out = ["digraph \(quoted(t.metadata.name)) {", "  rankdir=LR;", "  node [fontname=\"Helvetica\"];"]
        for n in t.graph.nodes {
            let (shape, label): (String, String) = switch n.kind {
            case .source: ("cds", "\(n.id)\\n\(n.label)")
            case .operator(let k): ("box", "\(n.id)\\n\(k.rawValue)" + (n.partitionKey.map { "\\nkey: \($0)" } ?? ""))
            case .sink: ("cds", n.label)
            }
            out.append("  \(quoted(n.id)) [shape=\(shape), label=\(quoted(label).replacingOccurrences(of: "\\\\n", with: "\\n"))];")
        }
        for e in t.graph.edges {
            var attrs: [String] = []
            var label = edgeTag(e)
            if let topic = e.repartitionTopic {
                label += (label.isEmpty ? "" : "\\n") + "repartition: \(topic)"
                attrs.append("style=dashed")
            }
            if !label.isEmpty { attrs.insert("label=\(quoted(label).replacingOccurrences(of: "\\\\n", with: "\\n"))", at: 0) }
            out.append("  \(quoted(e.from)) -> \(quoted(e.to))" + (attrs.isEmpty ? "" : " [\(attrs.joined(separator: ", "))]") + ";")
        }
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }

    static func mermaid(_ t: Topology) -> String {
        // Mermaid ids allow only [A-Za-z0-9_]; number them to stay unique.
        var ids: [String: String] = [:]
        for (i, n) in t.graph.nodes.enumerated() {
            ids[n.id] = "n\(i)_" + String(n.id.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || (48...57).contains($0.value)) ? Character($0) : "_" })
        }
        func text(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "#quot;") + "\"" }
        var out = ["flowchart LR"]
        for n in t.graph.nodes {
            let id = ids[n.id]!
            switch n.kind {
            case .source: out.append("  \(id)[(\(text("\(n.id)<br/>\(n.label)")))]")
            case .operator(let k): out.append("  \(id)[\(text("\(n.id)<br/>\(k.rawValue)" + (n.partitionKey.map { "<br/>key: \($0)" } ?? "")))]")
            case .sink: out.append("  \(id)[/\(text(n.label))/]")
            }
        }
        for e in t.graph.edges {
            guard let from = ids[e.from], let to = ids[e.to] else { continue }
            var label = edgeTag(e)
            if let topic = e.repartitionTopic { label += (label.isEmpty ? "" : ", ") + "repartition: \(topic)" }
            let arrow = e.repartitionTopic == nil ? "-->" : "-.->"
            out.append("  \(from) \(arrow)" + (label.isEmpty ? "" : "|\(text(label))|") + " \(to)")
        }
        return out.joined(separator: "\n") + "\n"
    }
}
