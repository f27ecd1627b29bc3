import SluiceCore
import Testing
@testable import SluiceFeatures

@Suite("Session windows")
struct SessionTests {
    func engine() throws -> FeatureEngine {
        try FeatureEngine(.init(
            aggregates: [AggregateSpec("n", .count, window: .session(gap: 600)),
                         AggregateSpec("total", .sum, of: .field("x"), window: .session(gap: 600))],
            emit: .both))
    }

    func windows(_ out: [FeatureOutput]) -> [WindowResult] {
        out.compactMap { if case .window(let w) = $0 { w } else { nil } }
    }

    @Test("an event between two sessions merges them into one")
    func bridgeMerges() throws {
        let e = try engine()
        let k = Array("k".utf8)
        _ = e.process(Record(fields: ["x": 1]), key: k, eventTime: 0)
        _ = e.process(Record(fields: ["x": 2]), key: k, eventTime: 1_000)   // 1000 ≥ gap: a second session
        #expect(e.lookup(k)["n"] == .int(1))
        let bridge = e.process(Record(fields: ["x": 4]), key: k, eventTime: 500)
        guard case .event(let r)? = bridge.first else { Issue.record("no event output"); return }
        #expect(r["n"] == .int(2))            // point in time: 0 and 500, not 1000
        #expect(r["total"] == .double(5))
        #expect(e.lookup(k)["n"] == .int(3))  // as of 1000, the merged session holds all three
        let closed = windows(e.advanceWatermark(to: 1_599))
        #expect(closed.isEmpty)
        let done = windows(e.advanceWatermark(to: 1_600))
        #expect(done.count == 1)
        #expect(done.first?.start == 0 && done.first?.end == 1_600)
        #expect(done.first?.values["n"] == .int(3))
        #expect(done.first?.values["total"] == .double(7))
    }

    @Test("events exactly one gap apart start a new session")
    func gapIsExclusive() throws {
        let e = try engine()
        let k = Array("k".utf8)
        for t: Int64 in [0, 599, 1_198, 1_797] { _ = e.process(Record(fields: ["x": 1]), key: k, eventTime: t) }
        _ = e.process(Record(fields: ["x": 1]), key: k, eventTime: 2_397)   // 600 after 1797: new session
        let closed = windows(e.advanceWatermark(to: 10_000))
        #expect(closed.map(\.start) == [0, 2_397])
        #expect(closed.map { $0.values["n"] } == [.int(4), .int(1)])
    }
}
