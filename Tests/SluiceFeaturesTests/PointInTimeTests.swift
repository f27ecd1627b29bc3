import SluiceCore
import Testing
@testable import SluiceFeatures

@Suite("Point-in-time correctness")
struct PointInTimeTests {
    static let key: [UInt8] = Array("u1".utf8)

    func record(_ id: Int64, amount: Int64) -> Record { Record(fields: ["id": .int(id), "amount": .int(amount)]) }

    func engine(includeCurrent: Bool = true, window: WindowSpec = .sliding(10_000)) throws -> FeatureEngine {
        try FeatureEngine(.init(
            aggregates: [
                AggregateSpec("n", .count, window: window),
                AggregateSpec("total", .sum, of: .field("amount"), window: window),
                AggregateSpec("latest", .last, of: .field("amount"), window: window),
                AggregateSpec("gap", .timeSinceLast, window: .unbounded),
            ],
            includeCurrent: includeCurrent,
            watermark: WatermarkTracker(maxOutOfOrder: 5_000)))
    }

    func values(_ out: [FeatureOutput]) -> Fields? {
        for o in out { if case .event(let r) = o { return r.fields } }
        return nil
    }

    @Test("an out-of-order event sees only events with earlier or equal time")
    func outOfOrderExcludesLaterEvents() throws {
        let e = try engine()
        _ = e.process(record(1, amount: 10), key: Self.key, eventTime: 1_000)
        _ = e.process(record(2, amount: 30), key: Self.key, eventTime: 3_000)
        let v = try #require(values(e.process(record(3, amount: 20), key: Self.key, eventTime: 2_000)))
        #expect(v["n"] == .int(2))            // 1000 and itself, not 3000
        #expect(v["total"] == .double(30))
        #expect(v["latest"] == .int(20))      // itself is the latest event at or before 2000
        #expect(v["gap"] == .int(1_000))      // since 1000, not 3000
        // The next in-order event sees everything.
        let w = try #require(values(e.process(record(4, amount: 5), key: Self.key, eventTime: 3_500)))
        #expect(w["n"] == .int(4))
        #expect(w["total"] == .double(65))
        #expect(w["gap"] == .int(500))
    }

    @Test("a feature named like an input field replaces its value in place; same-length names are left alone")
    func featureOverwritesInputFieldOfTheSameName() throws {
        let e = try engine()
        // "total" is an input field too; "m", "tot4l" and "gop" have the lengths of "n", "total" and "gap".
        let input = Record(fields: ["m": .int(1), "total": .int(-1), "tot4l": .int(2), "gop": .int(3),
                                    "a_name_longer_than_fifteen": .int(4), "amount": .int(5)])
        let v = try #require(values(e.process(input, key: Self.key, eventTime: 1_000)))
        #expect(v.map(\.name) == ["m", "total", "tot4l", "gop", "a_name_longer_than_fifteen", "amount", "n", "latest", "gap"])
        #expect(v["total"] == .double(5))
        #expect(v["m"] == .int(1) && v["tot4l"] == .int(2) && v["gop"] == .int(3) && v["n"] == .int(1))
    }

    @Test("include_current = false leaves the event's own input out")
    func excludeCurrent() throws {
        let e = try engine(includeCurrent: false)
        let first = try #require(values(e.process(record(1, amount: 10), key: Self.key, eventTime: 1_000)))
        #expect(first["n"] == .int(0))
        #expect(first["total"] == .double(0))
        #expect(first["latest"] == .null)
        #expect(first["gap"] == .null)
        let second = try #require(values(e.process(record(2, amount: 7), key: Self.key, eventTime: 1_400)))
        #expect(second["n"] == .int(1))
        #expect(second["total"] == .double(10))
        #expect(second["gap"] == .int(400))
    }

    @Test("a tumbling window's per-event value stops at the event's time within its window")
    func tumblingPartialWindow() throws {
        let e = try engine(window: .tumbling(size: 10_000))
        _ = e.process(record(1, amount: 1), key: Self.key, eventTime: 10_500)
        _ = e.process(record(2, amount: 2), key: Self.key, eventTime: 14_000)
        let v = try #require(values(e.process(record(3, amount: 4), key: Self.key, eventTime: 12_000)))
        #expect(v["n"] == .int(2))
        #expect(v["total"] == .double(5))
        // An event in the previous window (still within out-of-order bounds) sees none of these.
        let p = try #require(values(e.process(record(4, amount: 8), key: Self.key, eventTime: 9_999)))
        #expect(p["n"] == .int(1))
        #expect(p["total"] == .double(8))
    }

    @Test("keys never see each other's events")
    func keysAreIsolated() throws {
        let e = try engine()
        _ = e.process(record(1, amount: 10), key: Self.key, eventTime: 1_000)
        let v = try #require(values(e.process(record(2, amount: 3), key: Array("u2".utf8), eventTime: 1_500)))
        #expect(v["n"] == .int(1))
        #expect(v["total"] == .double(3))
    }

    @Test("lookup serves current values as of stream time: sliding windows age out")
    func lookupAgesOut() throws {
        let e = try engine()
        _ = e.process(record(1, amount: 10), key: Self.key, eventTime: 1_000)
        _ = e.process(record(2, amount: 5), key: Self.key, eventTime: 8_000)
        #expect(e.lookup(Self.key)["n"] == .int(2))
        _ = e.process(record(3, amount: 1), key: Array("other".utf8), eventTime: 12_000)
        let v = e.lookup(Self.key)
        #expect(v["n"] == .int(1))             // 1000 fell out of (2000, 12000]
        #expect(v["total"] == .double(5))
        #expect(v["gap"] == .int(4_000))
        #expect(e.lookup(Array("nobody".utf8))["n"] == .int(0))
    }
}
