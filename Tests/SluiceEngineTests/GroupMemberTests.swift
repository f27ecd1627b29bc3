import Foundation
import SluiceCore
import Testing
@testable import SluiceEngine

@Suite("Consumer-group members sharing a topology's partitions", .serialized)
struct GroupMemberTests {
    static let topology = """
        apiVersion: sluice/v1
        kind: Topology
        metadata: {name: shared, version: 1}
        processing:
          batch: {max_records: 300, max_wait: 5ms}
          threads: 2
        sources:
          events: {topic: events, format: json, key: id, partitions: 4}
        operators:
          - id: doubled
            type: map
            input: events
            set:
              twice: n * 2
        sinks:
          - {input: doubled, topic: out, format: json}
        """

    @Test("a second member joins mid-stream: the rebalance waits for the running batch and no record is lost")
    func secondMemberJoinsMidStream() throws {
        let h = try EngineHarness()
        let topology = try h.compile(Self.topology)
        for t in ["events", "out", "shared.dead-letters"] { try h.broker.createTopic(t, partitions: 4) }
        let total = 24_000
        func events(_ range: Range<Int>) -> [(key: String?, value: String)] {
            range.map { (key: "k\($0 % 97)", value: #"{"id":"e\#($0)","n":\#($0)}"#) }
        }
        try h.produce("events", events(0..<2_000))
        let a = try h.start(topology, stateDir: h.directory + "/a", stopWhenIdleMs: 4_000)
        #expect(a.wait { $0.recordsIn >= 1_000 })
        let b = try h.start(topology, stateDir: h.directory + "/b", stopWhenIdleMs: 4_000)
        // Keep records flowing while B joins, so that A is running batches when its partitions are revoked.
        var next = 2_000
        while next < total {
            try h.produce("events", events(next..<next + 1_000))
            next += 1_000
            Thread.sleep(forTimeInterval: 0.25)
        }
        #expect(a.wait(timeout: .seconds(90)) { _ in a.finished })
        #expect(b.wait(timeout: .seconds(90)) { _ in b.finished })
        #expect(a.error == nil)
        #expect(b.error == nil)
        #expect(b.engine.statusSnapshot.recordsIn > 0, "the second member never got partitions")

        let out = try h.consumeAll("out", expecting: total, timeout: .seconds(30))
        var seen: [String: Int] = [:]
        for record in out {
            guard let start = record.value.range(of: #""id":""#), let end = record.value[start.upperBound...].firstIndex(of: "\"")
            else { continue }
            seen[String(record.value[start.upperBound..<end]), default: 0] += 1
        }
        let missing = (0..<total).filter { seen["e\($0)"] == nil }
        #expect(missing.isEmpty, "\(missing.count) records lost, e.g. \(missing.prefix(5)); \(out.count - seen.count) duplicates")
        #expect(out.allSatisfy { $0.value.contains(#""twice":"#) })
    }
}
