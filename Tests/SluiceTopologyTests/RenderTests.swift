import Foundation
import SluiceCore
import Testing
@testable import SluiceTopology

@Suite("Graph rendering")
struct RenderTests {
    static let yaml = header + """
      - id: router
        type: route
        input: events
        routes: {big: amount > 100}
      - id: agg
        type: features
        input: router.big
        key: event_id
        aggregate: {n: {fn: count, window: {tumbling: 1m}}}
    sinks:
      - {input: router.default, topic: small}
      - {input: agg, topic: counts}
    """

    func topology() throws -> Topology { try #require(compile(Self.yaml).topology) }

    @Test func text() throws {
        let t = try topology()
        let lines = GraphRenderer.render(t, format: .text).split(separator: "\n").map(String.init)
        #expect(lines.dropFirst().joined(separator: "\n") == """
            events [source events (csv)] key=user_id
            └─ router [route] key=user_id
               ├─ (big) agg [features] key=event_id (repartition via app-agg-repartition)
               │  └─ → counts (json)
               └─ (default) → small (json)
            """)
        #expect(lines[0].hasPrefix("app v1 ("))
    }

    @Test func dot() throws {
        let dot = GraphRenderer.render(try topology(), format: .dot)
        #expect(dot.hasPrefix("digraph \"app\" {\n  rankdir=LR;"))
        #expect(dot.contains("\"router\" -> \"agg\" [label=\"big\\nrepartition: app-agg-repartition\", style=dashed];"))
        #expect(dot.contains("\"router\" -> \"sink:small\" [label=\"default\"];"))
        #expect(dot.contains("\"agg\" [shape=box, label=\"agg\\nfeatures\\nkey: event_id\"];"))
        #expect(dot.hasSuffix("}\n"))
    }

    @Test func mermaid() throws {
        let m = GraphRenderer.render(try topology(), format: .mermaid)
        #expect(m.hasPrefix("flowchart LR\n"))
        #expect(m.contains("  n0_events[(\"events<br/>events (csv)\")]"))
        #expect(m.contains("  n1_router -.->|\"big, repartition: app-agg-repartition\"| n2_agg"))
        #expect(m.contains("  n3_sink_small[/\"small (json)\"/]"))
        #expect(m.contains("  n1_router -->|\"default\"| n3_sink_small"))
    }

    @Test func graphStructure() throws {
        let g = try topology().graph
        #expect(g.topologicalOrder == ["events", "router", "agg", "sink:small", "sink:counts"])
        #expect(g.fanOut["router"] == 2)
        #expect(g.node("agg")?.partitionKey == "event_id")
        #expect(g.node("router")?.branches == ["big", "default"])
        #expect(g.incoming("agg").map(\.repartitionTopic) == ["app-agg-repartition"])
    }
}
