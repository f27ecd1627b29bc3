import Foundation
import SluiceCore
import SluiceKafka
import SluiceState
import SluiceTopology
import Testing
@testable import SluiceEngine

/// The engine as a subprocess over a stream with a per-key count, killed with SIGKILL at seeded random moments
/// and restarted: the final per-key state equals a no-crash run (restore from the manifest + seek to its offsets
/// makes state updates exactly-once), and the output topic misses no record (at-least-once).
///
/// The mock cluster does not hide aborted transactional records from read_committed consumers, so exactly-once
/// *outputs* are not asserted; they rely on a real Kafka broker.
@Suite("Crash consistency (SIGKILL and restart)", .serialized)
struct CrashConsistencyTests {
    static func topology(_ guarantee: String) -> String {
        """
        apiVersion: sluice/v1
        kind: Topology
        metadata: {name: crashy, version: 1}
        processing:
          guarantee: \(guarantee)
          checkpoint: {interval: 700ms, codec: zstd}
          batch: {max_records: 300, max_wait: 5ms}
        sources:
          events: {topic: events, format: json, key: user, partitions: 4}
        operators:
          - id: counter
            type: features
            input: events
            key: user
            aggregate:
              n: {fn: count}
              total: {fn: sum, of: amount}
        sinks:
          - {input: counter, topic: counts, format: json, key: user}
        """
    }

    static var sluiceBinary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/sluice").path
    }

    @Test("per-key state after 10 SIGKILLs equals a no-crash run; no output is lost", arguments: ["at_least_once", "exactly_once"])
    func killAndRestart(guarantee: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.sluiceBinary), "build the sluice binary first (swift build)")
        let h = try EngineHarness()
        let yamlPath = h.directory + "/crashy.yaml"
        try Self.topology(guarantee).write(toFile: yamlPath, atomically: true, encoding: .utf8)
        for (topic, partitions) in [("events", 4), ("counts", 4), ("crashy.dead-letters", 4), ("crashy-counter-changelog", 4)] {
            try h.broker.createTopic(topic, partitions: Int32(partitions))
        }
        var rng = SplitMix64(seed: guarantee == "exactly_once" ? 7 : 3)
        let users = 150
        let total = 24_000
        var truth: [String: (n: Int, total: Int)] = [:]
        var events: [(key: String?, value: String)] = []
        for i in 0..<total {
            let user = "u\(Int(rng.next() % UInt64(users)))"
            let amount = Int(rng.next() % 100)
            truth[user, default: (0, 0)].n += 1
            truth[user, default: (0, 0)].total += amount
            events.append((user, #"{"id":\#(i),"user":"\#(user)","amount":\#(amount)}"#))
        }
        try h.produce("events", events)

        let stateDir = h.directory + "/state"
        func launch(extra: [String]) throws -> Process {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Self.sluiceBinary)
            p.arguments = ["run", yamlPath, "--bootstrap", h.broker.bootstrapServers, "--state-dir", stateDir, "--no-admin", "--quiet",
                           "--instance", "crash", "--log-level", "error"] + extra
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        for _ in 0..<10 {
            let p = try launch(extra: [])
            Thread.sleep(forTimeInterval: 1.0 + Double(rng.next() % 2500) / 1000)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            #expect(p.terminationReason == .uncaughtSignal)
        }
        let final = try launch(extra: ["--stop-when-idle", "4000"])
        let deadline = Date().addingTimeInterval(180)
        while final.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        if final.isRunning { final.terminate() }
        #expect(final.terminationStatus == 0)

        // The final state, read from the checkpointed segments like `sluice state get` does.
        let topology = try h.compile(Self.topology(guarantee), name: "decode.yaml")
        let appDir = stateDir + "/crashy"
        var mismatches: [String] = []
        for (user, expected) in truth.sorted(by: { $0.key < $1.key }) {
            var found: Fields?
            for task in (try? FileManager.default.contentsOfDirectory(atPath: appDir))?.filter({ $0.hasPrefix("task-") }) ?? [] {
                if let hit = try StateInspector.get(dir: appDir, operator: task, key: Array(user.utf8), store: "counter") {
                    found = try StateDecoder.decode(topology: topology, operatorID: "counter", key: Array(user.utf8), value: hit.value)
                }
            }
            let n = found?["n"]?.asInt
            let sum = found?["total"]?.asDouble
            if n != Int64(expected.n) || sum != Double(expected.total) {
                mismatches.append("\(user): n \(n.map(String.init) ?? "nil") vs \(expected.n), total \(sum.map { "\($0)" } ?? "nil") vs \(expected.total)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) keys differ from the no-crash counts: \(mismatches.prefix(5))")

        let out = try h.consumeAll("counts", expecting: total, timeout: .seconds(60))
        var seen = Set<Int>()
        for r in out {
            if let range = r.value.range(of: #""id":"#), let id = Int(r.value[range.upperBound...].prefix { $0.isNumber }) { seen.insert(id) }
        }
        #expect(seen.count == total, "every input appears in the output at least once (\(total - seen.count) missing)")
    }
}
