import SluiceCore
import Testing
@testable import SluiceFeatures

@Suite("Backfill uses the streaming code path")
struct BackfillTests {
    static func specs() -> [AggregateSpec] {
        [AggregateSpec("n_1s", .count, window: .tumbling(size: 1_000)),
         AggregateSpec("sum_1s", .sum, of: .field("amount"), window: .tumbling(size: 1_000)),
         AggregateSpec("mean_2s", .mean, of: .field("amount"), window: .sliding(2_000)),
         AggregateSpec("d_sess", .distinct(precision: 10), of: .field("merchant"), window: .session(gap: 300))]
    }

    static func engine() throws -> FeatureEngine {
        try FeatureEngine(.init(aggregates: specs(), emit: .both, watermark: WatermarkTracker(maxOutOfOrder: 500)))
    }

    @Test("an in-order stream and the backfill of the same events produce identical outputs")
    func inOrderStreamEqualsBackfill() throws {
        let events = makeStream(seed: 77, count: 300, disorder: 0).sorted { $0.time < $1.time }
        let streamed = try Self.engine()
        var out: [FeatureOutput] = []
        for e in events { streamed.process(e.record, key: e.key, eventTime: e.time, into: &out) }
        out += streamed.advanceWatermark(to: .max)
        let shuffled = events.reversed().map { Backfill.Event(record: $0.record, key: $0.key, eventTime: $0.time) }
        let backfilled = Backfill.run(Array(shuffled.reversed()), engine: try Self.engine())
        #expect(out.map(render) == backfilled.map(render))
    }

    @Test("an out-of-order stream without late records closes the same windows as its backfill")
    func disorderedStreamSameWindows() throws {
        let events = makeStream(seed: 78, count: 300, disorder: 300)   // within max out-of-order 500
        let streamed = try Self.engine()
        var out: [FeatureOutput] = []
        for e in events { streamed.process(e.record, key: e.key, eventTime: e.time, into: &out) }
        out += streamed.advanceWatermark(to: .max)
        #expect(streamed.counters.late == 0)
        let backfilled = Backfill.run(events.map { Backfill.Event(record: $0.record, key: $0.key, eventTime: $0.time) },
                                      engine: try Self.engine())
        func windows(_ o: [FeatureOutput]) -> [String] {
            o.compactMap { if case .window = $0 { render($0) } else { nil } }.sorted()
        }
        #expect(windows(out).count > 10)
        #expect(windows(out) == windows(backfilled))
    }

    @Test("a wrongly typed input is reported as invalid and not applied")
    func invalidInput() throws {
        let e = try Self.engine()
        let k = Array("k".utf8)
        let out = e.process(Record(fields: ["amount": "ten", "id": 3]), key: k, eventTime: 10)
        guard case .invalid(let r, let err)? = out.first else { Issue.record("\(out.map(render))"); return }
        #expect(r["id"] == .int(3))
        #expect(err.code == .wrongType)
        #expect(err.field == "amount")
        #expect(e.keyCount == 0)
    }
}

@Suite("Backfill flush")
struct BackfillFlushTests {
    static func run(flush: Bool) throws -> (FeatureEngine, [FeatureOutput]) {
        let engine = try FeatureEngine(.init(aggregates: [
            AggregateSpec("n_1s", .count, window: .tumbling(size: 1_000)),
            AggregateSpec("sum_2s", .sum, of: .field("x"), window: .sliding(2_000)),
        ], emit: .onClose))
        let events = [(1_100, 1), (1_500, 2), (2_200, 4)].map {
            Backfill.Event(record: Record(fields: ["x": .int(Int64($0.1))]), key: Array("k".utf8), eventTime: Int64($0.0))
        }
        return (engine, Backfill.run(events, engine: engine, flush: flush))
    }

    @Test("without a flush, windows stay open and lookup serves values as of the last event")
    func noFlush() throws {
        let (engine, out) = try Self.run(flush: false)
        #expect(out.isEmpty)
        let v = engine.lookup(Array("k".utf8))
        #expect(v["n_1s"] == .int(1))
        #expect(v["sum_2s"] == .double(7))
    }

    @Test("a flush closes every window; afterwards all windows have ended")
    func flush() throws {
        let (engine, out) = try Self.run(flush: true)
        let counts = out.compactMap { if case .window(let w) = $0 { w.values["n_1s"] } else { nil } }
        #expect(counts == [.int(2), .int(1)])   // [1000, 2000) and [2000, 3000)
        #expect(engine.watermark == .max)
        #expect(engine.lookup(Array("k".utf8))["n_1s"] == .int(0))
    }
}
