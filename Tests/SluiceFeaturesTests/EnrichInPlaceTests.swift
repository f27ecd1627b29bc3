import SluiceCore
import Testing
@testable import SluiceFeatures

/// `FeatureEngine.enrich` (the features operator's per-event path, which leaves each record in its batch) must
/// do exactly what `process` does: the same enriched records, the same late and invalid ones with the same
/// reasons, and the same state afterwards.
@Suite("Enriching in place equals processing")
struct EnrichInPlaceTests {
    static func render(_ r: Record) -> String {
        "t=\(r.eventTime ?? -1) " + r.fields.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
    }

    static func render(_ o: FeatureOutput) -> String {
        switch o {
        case .event(let r): "event " + render(r)
        case .late(let r, let e): "late \(e.message) " + render(r)
        case .invalid(let r, let e): "invalid \(e.message) " + render(r)
        case .window: "window"
        }
    }

    @Test("per-event: enrich leaves what process emits and rejects what it rejects",
          arguments: [WindowSpec.tumbling(size: 1_000), .sliding(2_000), .hopping(size: 1_500, every: 500)])
    func enrichMatchesProcess(window: WindowSpec) throws {
        var stream = makeStream(seed: 11, count: 600, keys: 4)
        // An amount no numeric aggregate can read: the record is invalid.
        for i in stride(from: 5, to: stream.count, by: 37) { stream[i].record.fields["amount"] = .string("n/a") }
        let config = FeatureEngine.Configuration(aggregates: allAggregates(window: window, grace: 50), emit: .perEvent,
                                                 watermark: WatermarkTracker(maxOutOfOrder: 200))
        let processing = try FeatureEngine(config), enriching = try FeatureEngine(config)
        var expected: [String] = [], got: [String] = []
        for e in stream {
            var out: [FeatureOutput] = []
            processing.process(e.record, key: e.key, eventTime: e.time, into: &out)
            expected += out.map(Self.render)

            var record = e.record
            switch enriching.enrich(&record, key: e.key, slot: enriching.prefetchRow(key: e.key), eventTime: e.time) {
            case nil: got.append("event " + Self.render(record))
            case .late(let error)?: got.append("late \(error.message) " + Self.render(record))
            case .invalid(let error)?: got.append("invalid \(error.message) " + Self.render(record))
            }
        }
        #expect(expected.contains { $0.hasPrefix("late") })
        #expect(expected.contains { $0.hasPrefix("invalid") })
        #expect(expected.filter { $0.hasPrefix("event") }.count > 400)
        #expect(got == expected)
        #expect(processing.snapshotEngine() == enriching.snapshotEngine())
        #expect(try Self.states(processing) == Self.states(enriching))
    }

    /// Every key's state snapshot.
    static func states(_ engine: FeatureEngine) throws -> [[UInt8]: [UInt8]] {
        var states: [[UInt8]: [UInt8]] = [:]
        try engine.forEachDirtySnapshot { key, state in states[key] = state }
        return states
    }
}
