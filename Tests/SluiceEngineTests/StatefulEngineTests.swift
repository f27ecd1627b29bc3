import Foundation
import SluiceCore
import SluiceKafka
import SluiceTopology
import SluiceState
import Testing
@testable import SluiceEngine

@Suite("Stateful topologies: changelog hand-over and backfill parity", .serialized)
struct StatefulEngineTests {
    static let counting = """
        apiVersion: sluice/v1
        kind: Topology
        metadata: {name: counting, version: 1}
        processing:
          checkpoint: {interval: 1s}
          event_time: {field: ts, unit: ms, max_out_of_order: 1s}
          batch: {max_records: 200, max_wait: 5ms}
        sources:
          events: {topic: events, format: json, key: user, partitions: 4}
        operators:
          - id: counter
            type: features
            input: events
            key: user
            aggregate:
              n: {fn: count}
              spent_1m: {fn: sum, of: amount, window: {sliding: 1m}}
        sinks:
          - {input: counter, topic: counts, format: json, key: user}
        """

    static func events(_ range: Range<Int>, users: Int = 40) -> [(key: String?, value: String)] {
        range.map { i in
            let user = "u\(i % users)"
            return (user, #"{"id":\#(i),"user":"\#(user)","amount":\#(i % 7),"ts":\#(1_700_000_000_000 + Int64(i) * 250)}"#)
        }
    }

    @Test("a second instance with an empty disk takes partitions over through the changelog; counts are preserved")
    func changelogHandOver() throws {
        let h = try EngineHarness()
        let topology = try h.compile(Self.counting)
        for (t, p) in [("events", 4), ("counts", 4), ("counting.dead-letters", 4), ("counting-counter-changelog", 4)] {
            try h.broker.createTopic(t, partitions: Int32(p))
        }
        try h.produce("events", Self.events(0..<4_000))
        let a = try h.start(topology, stateDir: h.directory + "/a")
        #expect(a.wait { $0.recordsIn >= 4_000 && $0.checkpoints >= 1 })
        a.stop()
        #expect(a.error == nil)
        Thread.sleep(forTimeInterval: 3)

        // Instance B has its own, empty state directory: every partition must come from the changelog.
        try h.produce("events", Self.events(4_000..<6_000))
        let b = try h.start(topology, stateDir: h.directory + "/b", stopWhenIdleMs: 2_000)
        #expect(b.wait(timeout: .seconds(60)) { _ in b.finished })
        #expect(b.error == nil)
        for user in ["u0", "u7", "u39"] {
            let fields = try b.engine.lookupAfterRun(operatorID: "counter", key: user)
            #expect(fields?["n"]?.asInt == 150, "\(user): \(String(describing: fields))")
        }
    }

    @Test("backfill over a file produces what the stream produced for the same events")
    func backfillEqualsStream() throws {
        let h = try EngineHarness()
        let topology = try h.compile(Self.counting)
        for (t, p) in [("events", 1), ("counts", 1), ("counting.dead-letters", 1), ("counting-counter-changelog", 1)] {
            try h.broker.createTopic(t, partitions: Int32(p))
        }
        let input = Self.events(0..<1_500)
        try h.produce("events", input, partition: 0)
        let run = try h.start(topology, stopWhenIdleMs: 1_500)
        #expect(run.wait(timeout: .seconds(60)) { _ in run.finished })
        let streamed = try h.consumeAll("counts", expecting: input.count).map(\.value)

        let file = h.directory + "/events.jsonl"
        try input.map(\.value).joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let backfilled = try BackfillRunner.run(topology: topology, inputPath: file)
            .filter { $0.topic == "counts" }.map { String(decoding: $0.value, as: UTF8.self) }
        #expect(streamed.count == input.count)
        #expect(backfilled == streamed)
    }
}

extension Engine {
    /// Online lookup after `run` returned (tests): the tasks are gone, so read the checkpointed state.
    func lookupAfterRun(operatorID: String, key: String) throws -> Fields? {
        let appDir = stateRoot + "/" + applicationID
        for task in (try? FileManager.default.contentsOfDirectory(atPath: appDir))?.filter({ $0.hasPrefix("task-") }) ?? [] {
            if let hit = try SluiceState.StateInspector.get(dir: appDir, operator: task, key: Array(key.utf8), store: operatorID) {
                return try StateDecoder.decode(topology: topology, operatorID: operatorID, key: Array(key.utf8), value: hit.value)
            }
        }
        return nil
    }
}
