import SluiceCore
import Testing
@testable import SluiceFeatures

/// Engine vs. brute-force reference over seeded random streams with out-of-order and late events,
/// for every window kind × every aggregate function.
@Suite("Windows match a brute-force reference")
struct WindowPropertyTests {
    static let windows: [(WindowSpec, Int64)] = [
        (.tumbling(size: 1_000), 0),
        (.tumbling(size: 700), 250),
        (.hopping(size: 1_000, every: 250), 0),
        (.hopping(size: 1_000, every: 400), 150),
        (.sliding(1_500), 0),
        (.sliding(900), 300),
        (.session(gap: 300), 0),
        (.session(gap: 250), 200),
        (.count(5), 0),
        (.count(3), 400),
        (.unbounded, 100),
    ]

    struct Case: CustomTestStringConvertible, Sendable {
        var window: WindowSpec
        var grace: Int64
        var seed: UInt64
        var includeCurrent: Bool
        var testDescription: String { "\(window) grace \(grace) seed \(seed) include_current \(includeCurrent)" }
    }

    static let cases: [Case] = windows.enumerated().flatMap { i, w in
        [UInt64(11), 29].flatMap { seed in
            [true, false].map { Case(window: w.0, grace: w.1, seed: seed &+ UInt64(i), includeCurrent: $0) }
        }
    }

    @Test("per-event, late and on-close outputs equal the reference", arguments: cases)
    func matchesReference(_ c: Case) throws {
        let specs = allAggregates(window: c.window, grace: c.grace)
        let maxOutOfOrder: Int64 = 150
        let engine = try FeatureEngine(.init(
            aggregates: specs, emit: .both, includeCurrent: c.includeCurrent,
            watermark: WatermarkTracker(maxOutOfOrder: maxOutOfOrder), slidingBuckets: 7))
        var reference = Reference(specs: specs, includeCurrent: c.includeCurrent, maxOutOfOrder: maxOutOfOrder)
        var lateSeen = 0, windowsSeen = 0
        for (i, e) in makeStream(seed: c.seed).enumerated() {
            let outputs = engine.process(e.record, key: e.key, eventTime: e.time)
            let (step, windows) = reference.process(e)
            var gotWindows: [WindowResult] = []
            var gotStep: FeatureOutput?
            for o in outputs {
                if case .window(let w) = o { gotWindows.append(w) } else { gotStep = o }
            }
            switch (step, gotStep) {
            case (.late, .late(_, let err)?):
                #expect(err.code == .late)
                lateSeen += 1
            case (.event(let expected), .event(let r)?):
                for s in specs {
                    let got = r[s.name] ?? .null
                    let want = expected[s.name] ?? .null
                    #expect(close(got, want, tolerant: tolerantAggregates.contains(s.name)),
                            "record \(i) t=\(e.time) \(s.name): got \(got), want \(want)")
                }
            default:
                Issue.record("record \(i) t=\(e.time): expected \(step), got \(gotStep.map(render) ?? "nothing")")
            }
            #expect(gotWindows.count == windows.count, "record \(i): \(gotWindows.count) windows closed, want \(windows.count)")
            let want = windows.sorted { ($0.key, $0.start) < ($1.key, $1.start) }
            let got = gotWindows.sorted { (String(decoding: $0.key, as: UTF8.self), $0.start) < (String(decoding: $1.key, as: UTF8.self), $1.start) }
            for (g, w) in zip(got, want) {
                #expect(String(decoding: g.key, as: UTF8.self) == w.key && g.start == w.start && g.end == w.end,
                        "record \(i): window \(g.start)-\(g.end) vs \(w.start)-\(w.end)")
                for s in specs {
                    let gv = g.values[s.name] ?? .null, wv = w.values[s.name] ?? .null
                    #expect(close(gv, wv, tolerant: tolerantAggregates.contains(s.name)),
                            "record \(i) window [\(w.start),\(w.end)) \(s.name): got \(gv), want \(wv)")
                }
            }
            windowsSeen += windows.count
        }
        // The generated streams must actually exercise lateness and (for closing kinds) emission.
        #expect(lateSeen > 0)
        if c.window.closes { #expect(windowsSeen > 0) }
    }

    /// Different windows in one engine: lateness is decided by the tightest aggregate, and raw data is
    /// settled against that engine-wide bound, which must not break any other aggregate's values.
    @Test("mixed windows in one engine equal the reference", arguments: [UInt64(5), 6, 7])
    func mixedWindows(seed: UInt64) throws {
        let amt = FeatureInput.field("amount"), m = FeatureInput.field("merchant")
        let specs = [
            AggregateSpec("slide_sum", .sum, of: amt, window: .sliding(800), grace: 50),
            AggregateSpec("day_first", .first, of: m, window: .tumbling(size: 5_000)),
            AggregateSpec("day_distinct", .distinct(precision: 10), of: m, window: .tumbling(size: 5_000)),
            AggregateSpec("hop_max", .max, of: amt, window: .hopping(size: 3_000, every: 1_000), grace: 200),
            AggregateSpec("sess_last3", .lastK(3), of: m, window: .session(gap: 400)),
            AggregateSpec("all_p50", .quantile(q: 0.5, k: 1_000), of: amt, window: .unbounded, grace: 300),
            AggregateSpec("last4_mean", .mean, of: amt, window: .count(4), grace: 100),
        ]
        let engine = try FeatureEngine(.init(aggregates: specs, watermark: WatermarkTracker(maxOutOfOrder: 150), slidingBuckets: 4))
        var reference = Reference(specs: specs, includeCurrent: true, maxOutOfOrder: 150)
        var accepted = 0
        for (i, e) in makeStream(seed: seed, count: 500).enumerated() {
            let out = engine.process(e.record, key: e.key, eventTime: e.time)
            let (step, _) = reference.process(e)
            switch (step, out.first) {
            case (.late, .late?): break
            case (.event(let want), .event(let r)?):
                accepted += 1
                for s in specs {
                    #expect(close(r[s.name] ?? .null, want[s.name] ?? .null, tolerant: false),
                            "record \(i) t=\(e.time) \(s.name): got \(r[s.name] ?? .null), want \(want[s.name] ?? .null)")
                }
            default: Issue.record("record \(i): expected \(step), got \(out.map(render))")
            }
        }
        #expect(accepted > 300)
    }
}
