import SluiceCore
import Testing
@testable import SluiceFeatures

@Suite("Watermarks, idle advance and lateness")
struct WatermarkTests {
    @Test("watermark = max event time − max out-of-order, never backwards")
    func basicRule() {
        var w = WatermarkTracker(maxOutOfOrder: 5_000)
        #expect(w.watermark == .min)
        #expect(w.observe(eventTime: 100_000) == 95_000)
        #expect(w.observe(eventTime: 90_000) == 95_000)
        #expect(w.observe(eventTime: 101_000) == 96_000)
    }

    @Test("idle for idle_timeout of processing time advances to processing time − max out-of-order")
    func idleAdvanceWithArrivalTimes() {
        var w = WatermarkTracker(maxOutOfOrder: 5_000, idleTimeout: 10_000)
        w.observe(eventTime: 100_000, processingTime: 1_000_000)
        #expect(w.tick(processingTime: 1_009_999) == 95_000)
        #expect(w.tick(processingTime: 1_010_000) == 1_005_000)
        // A new arrival resets the idle clock; the watermark does not move back.
        w.observe(eventTime: 100_500, processingTime: 1_011_000)
        #expect(w.watermark == 1_005_000)
        #expect(w.tick(processingTime: 1_020_000) == 1_005_000)
        #expect(w.tick(processingTime: 1_021_000) == 1_016_000)
    }

    @Test("without arrival times, an arrival counts at the next tick")
    func idleAdvanceWithoutArrivalTimes() {
        var w = WatermarkTracker(maxOutOfOrder: 1_000, idleTimeout: 10_000)
        w.observe(eventTime: 50_000)
        #expect(w.tick(processingTime: 200_000) == 49_000)   // arrival stamped at 200000
        #expect(w.tick(processingTime: 209_000) == 49_000)
        #expect(w.tick(processingTime: 210_000) == 209_000)
    }

    @Test("no idle timeout: ticks never move the watermark")
    func noIdleRule() {
        var w = WatermarkTracker(maxOutOfOrder: 1_000)
        w.observe(eventTime: 50_000, processingTime: 0)
        #expect(w.tick(processingTime: 10_000_000) == 49_000)
    }

    @Test("an idle partition's windows close through the engine's tick")
    func idleClosesWindows() throws {
        let e = try FeatureEngine(.init(
            aggregates: [AggregateSpec("n", .count, window: .tumbling(size: 60_000))], emit: .onClose,
            watermark: WatermarkTracker(maxOutOfOrder: 5_000, idleTimeout: 30_000)))
        let k = Array("k".utf8)
        #expect(e.process(Record(), key: k, eventTime: 1_000, processingTime: 1_000).isEmpty)
        #expect(e.process(Record(), key: k, eventTime: 2_000, processingTime: 2_000).isEmpty)
        #expect(e.tick(processingTime: 20_000).isEmpty)
        let out = e.tick(processingTime: 70_000)   // idle 68 s → watermark 65 000 ≥ 60 000
        #expect(e.watermark == 65_000)
        guard out.count == 1, case .window(let w) = out[0] else {
            Issue.record("expected one closed window, got \(out.map(render))")
            return
        }
        #expect(w.start == 0 && w.end == 60_000)
        #expect(w.values["n"] == .int(2))
        #expect(w.record["window_end"] == .int(60_000))
        #expect(w.record.key == k)
    }

    @Test("late records are returned with a reason and change nothing")
    func lateRecord() throws {
        let e = try FeatureEngine(.init(
            aggregates: [AggregateSpec("n", .count, window: .tumbling(size: 1_000), grace: 500)],
            emit: .both, watermark: WatermarkTracker(maxOutOfOrder: 0)))
        let k = Array("k".utf8)
        _ = e.process(Record(), key: k, eventTime: 900)
        _ = e.process(Record(), key: k, eventTime: 1_400)   // watermark 1400 < 1000 + 500: still open
        let onTime = e.process(Record(fields: ["id": 1]), key: k, eventTime: 950)
        guard case .event(let r)? = onTime.first else { Issue.record("\(onTime.map(render))"); return }
        #expect(r["n"] == .int(2))
        let closing = e.process(Record(), key: k, eventTime: 1_500)   // watermark 1500: [0,1000) closes
        #expect(closing.contains { if case .window(let w) = $0 { w.values["n"] == .int(2) } else { false } })
        let late = e.process(Record(fields: ["id": 2]), key: k, eventTime: 999)
        #expect(late.count == 1)
        guard case .late(let lr, let reason) = late[0] else { Issue.record("\(late.map(render))"); return }
        #expect(lr["id"] == .int(2))
        #expect(reason.code == .late)
        #expect(reason.field == "n")
        #expect(reason.message.contains("[0, 1000)"))
        #expect(e.counters.late == 1)
        #expect(e.lookup(k)["n"] == .int(2))   // window [1000, 2000) holds 1400 and 1500 only
    }

    @Test("external watermark control: advanceWatermark closes exactly the due windows")
    func externalWatermark() throws {
        let e = try FeatureEngine(.init(
            aggregates: [AggregateSpec("n", .count, window: .hopping(size: 1_000, every: 500))], emit: .onClose))
        for (i, t) in [100, 600, 1_100].enumerated() {
            _ = e.process(Record(), key: Array("k\(i % 2)".utf8), eventTime: Int64(t))
        }
        let closed = e.advanceWatermark(to: 1_000).compactMap { o -> String? in
            if case .window(let w) = o { "\(String(decoding: w.key, as: UTF8.self)) \(w.start) \(w.end) \(w.values["n"]!)" } else { nil }
        }
        // Windows ending at or before 1000: [-500, 500) and [0, 1000); k0 has 100 and 1100, k1 has 600.
        #expect(closed == ["k0 -500 500 1", "k0 0 1000 1", "k1 0 1000 1"])
        #expect(e.advanceWatermark(to: 1_000).isEmpty)
        #expect(e.advanceWatermark(to: 900).isEmpty)
        #expect(e.watermark == 1_000)
    }
}
