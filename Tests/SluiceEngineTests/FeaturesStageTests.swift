import Foundation
import SluiceCore
import SluiceTopology
import Testing
@testable import SluiceEngine

/// The features operator prepares records ahead of processing them (derive, key, prefetch its state; see
/// `FeaturesStage.process`). Whatever the batch boundaries, the outputs must be those of feeding the
/// records one at a time: same enriched records in the same order, same dead letters.
@Suite("Features operator: batched look-ahead equals one record at a time")
struct FeaturesStageTests {
    static let yaml = """
        apiVersion: sluice/v1
        kind: Topology
        metadata: {name: fs, version: 1}
        processing:
          event_time: {field: ts, unit: ms, max_out_of_order: 1s}
        sources:
          events: {topic: events, format: json, key: user}
        operators:
          - id: f
            type: features
            input: events
            key: user
            derive:
              doubled: amount * 2
            aggregate:
              n: {fn: count}
              total: {fn: sum, of: doubled, window: {tumbling: 10s}}
              mean_5s: {fn: mean, of: amount, window: {sliding: 5s}}
              merchants: {fn: distinct, of: merchant, window: {tumbling: 1m}}
        sinks:
          - {input: f, topic: out, format: json}
        """

    static func stage() throws -> FeaturesStage {
        let path = NSTemporaryDirectory() + "features-stage-\(UInt32.random(in: 0...UInt32.max)).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (topology, diagnostics) = TopologyCompiler.compile(file: path, environment: [:], hooks: StandardValidationHooks.make())
        let t = try #require(topology, "\(diagnostics)")
        for op in t.operators { if case .features(let f) = op { return try FeaturesStage(f, topology: t) } }
        throw EngineError("no features operator")
    }

    /// Keys repeat at every distance up to the look-ahead and beyond; some records have no key, some a
    /// derivation that fails (a string amount).
    static func records(_ n: Int, seed: UInt64) -> [Record] {
        var rng = SplitMix64(seed: seed)
        var out: [Record] = []
        var ts: Int64 = 1_700_000_000_000
        for i in 0..<n {
            ts += Int64(rng.next() % 700)
            var f = Fields()
            switch rng.next() % 20 {
            case 0: break                                     // no user: dead letter (null key)
            case 1: f.append("user", .string("u\(i % 3)"))     // a recent key again
            default: f.append("user", .string("u\(rng.next() % 7)"))
            }
            f.append("amount", rng.next() % 25 == 0 ? .string("n/a") : .double(Double(rng.next() % 10_000) / 100))
            f.append("merchant", .string("m\(rng.next() % 5)"))
            f.append("ts", .int(ts - Int64(rng.next() % 300)))
            out.append(Record(fields: f, timestamp: ts, eventTime: ts - Int64(rng.next() % 300)))
        }
        return out
    }

    /// Emitted records and dead letters, each in order (a batch lists its dead letters apart from its records).
    static func render(_ o: OperatorOutput) -> (records: [String], dead: [String]) {
        (o.records.map { r in r.fields.map { "\($0.name)=\($0.value)" }.joined(separator: ",") },
         o.deadLetters.map { "\($0.error.code):\($0.record.fields.map { "\($0.name)=\($0.value)" }.joined(separator: ","))" })
    }

    @Test("batches of every size give the outputs of one record at a time", arguments: [1, 2, 3, 4, 5, 17, 400])
    func batchesEqualSingles(batchSize: Int) throws {
        let input = Self.records(400, seed: UInt64(batchSize))
        let context = OperatorContext(partition: 0, processingTime: 1_700_000_000_000, watermark: .min)

        let single = try Self.stage()
        var expected: (records: [String], dead: [String]) = ([], [])
        for r in input {
            var out = OperatorOutput()
            single.process([r], from: .main, context: context, into: &out)
            let rendered = Self.render(out)
            expected.records += rendered.records
            expected.dead += rendered.dead
        }

        let batched = try Self.stage()
        var got: (records: [String], dead: [String]) = ([], [])
        var i = 0
        while i < input.count {
            var out = OperatorOutput()
            var batch = Array(input[i..<min(i + batchSize, input.count)])
            batched.process(owned: &batch, from: .main, context: context, into: &out)
            let rendered = Self.render(out)
            got.records += rendered.records
            got.dead += rendered.dead
            i += batchSize
        }
        #expect(expected.records.count > 300)
        #expect(expected.dead.count > 10)
        #expect(got.records.count == expected.records.count)
        #expect(got.dead == expected.dead)
        if let i = got.records.indices.first(where: { $0 < expected.records.count && got.records[$0] != expected.records[$0] }) {
            Issue.record("record \(i) differs:\n  batched: \(got.records[i])\n  single:  \(expected.records[i])")
        }
    }
}
