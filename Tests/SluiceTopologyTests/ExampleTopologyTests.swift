import Foundation
import SluiceCore
import Testing
@testable import SluiceTopology

@Suite("Example topologies")
struct ExampleTopologyTests {
    @Test("compiles without errors", arguments: ["passthrough.yaml", "etl.yaml", "fraud-detection.yaml"])
    func compiles(name: String) throws {
        let (topology, diagnostics) = TopologyCompiler.compile(file: topologiesDirectory + "/" + name, environment: [:], hooks: DefaultValidationHooks())
        #expect(diagnostics.filter { $0.severity != .note }.map(\.description) == [])
        let t = try #require(topology)
        #expect(t.graph.topologicalOrder.count == t.graph.nodes.count)
    }

    @Test func fraudDetectionModel() throws {
        let (topology, diagnostics) = TopologyCompiler.compile(file: topologiesDirectory + "/fraud-detection.yaml", environment: [:], hooks: DefaultValidationHooks())
        let t = try #require(topology)
        #expect(t.processing.applicationID == "fraud-detection")
        #expect(t.processing.guarantee == .exactlyOnce)
        #expect(t.processing.checkpoint.intervalMs == 10_000)
        #expect(t.processing.checkpoint.directory == topologiesDirectory + "/state/fraud-detection")
        #expect(t.cluster.bootstrap == .embedded)
        // `${KAFKA_USER:-}` expands to nothing, which counts as not set.
        #expect(t.cluster.security?.username == nil)
        guard case .features(let f)? = t.operator("features") else { Issue.record("features missing"); return }
        #expect(f.common.repartition == nil)  // transactions are keyed by user_id already
        #expect(f.aggregates.map(\.window) == [.sliding(sizeMs: 3_600_000), .sliding(sizeMs: 86_400_000), .tumbling(sizeMs: 86_400_000),
                                                .hopping(sizeMs: 604_800_000, everyMs: 3_600_000), .unbounded])
        guard case .infer(let i)? = t.operator("score") else { Issue.record("score missing"); return }
        #expect(i.model.origin == .registry(directory: topologiesDirectory + "/models/fraud", name: "fraud", version: .active))
        #expect(i.rollout?.candidate == .number(2))
        guard case .join(let j)? = t.operator("outcome") else { Issue.record("outcome missing"); return }
        // Scores are partitioned by user_id, the join needs event_id: the left side is re-keyed, labels are not.
        #expect(j.common.repartition?.topic == "fraud-detection-outcome-left-repartition")
        #expect(j.rightRepartition == nil)
        let note = try #require(diagnostics.first { $0.severity == .note && $0.code == "repartition" })
        #expect(note.message.contains("fraud-detection-outcome-left-repartition"))
        #expect((note.location.line, note.location.column) == (82, 9))
        #expect(t.source("labels")?.eventTime?.field == "labelled_at")
        #expect(t.graph.topologicalOrder.firstIndex(of: "outcome")! > t.graph.topologicalOrder.firstIndex(of: "labels")!)
        #expect(t.graph.fanOut["score"] == 3)
        #expect(t.topologyHashHex.count == 16)
    }

    @Test func etlRoutesAndSinks() throws {
        let (topology, _) = TopologyCompiler.compile(file: topologiesDirectory + "/etl.yaml", environment: ["KAFKA_BOOTSTRAP": "k1:9092,k2:9092"], hooks: DefaultValidationHooks())
        let t = try #require(topology)
        #expect(t.cluster.bootstrap == .servers(["k1:9092", "k2:9092"]))
        guard case .route(let r)? = t.operator("by_size") else { Issue.record("route missing"); return }
        #expect(r.outputNames == ["large", "medium", "small"])
        #expect(t.processing.eventTime == .init(field: "created_at", unit: .iso8601, maxOutOfOrderMs: 10_000, idleTimeoutMs: nil))
        #expect(t.graph.incoming(t.sinks[2].id).first?.branch == "small")
        #expect(Set(t.sinks.map(\.id)).count == t.sinks.count)
    }

    @Test func hashIgnoresLineEndingsButNotContent() {
        let a = FNV1a.hash64(FNV1a.normalized("a: 1\nb: 2\n").utf8)
        let b = FNV1a.hash64(FNV1a.normalized("a: 1  \r\nb: 2\r\n\r\n").utf8)
        let c = FNV1a.hash64(FNV1a.normalized("a: 1\nb: 3\n").utf8)
        #expect(a == b)
        #expect(a != c)
        #expect(FNV1a.hash64("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash64("a".utf8) == 0xaf63_dc4c_8601_ec8c)
    }
}
