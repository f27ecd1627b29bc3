import Foundation
import SluiceCore
import Testing
@testable import SluiceFeatures

/// Pins the engine's complete output — every per-event value, window, late/invalid record and
/// checkpoint bytes — for seeded streams, so that internal rewrites (state layout, accumulators) are
/// bit-identical to the implementation that recorded the fixture. The reference tests allow
/// floating-point reordering; this one does not: sums use fractional amounts whose rounding depends on
/// the summation order.
///
/// Re-record (only after an intended semantic change) with `SLUICE_RECORD_GOLDEN=1 swift test`.
@Suite("Outputs are bit-identical to the recorded golden digests")
struct GoldenOutputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var specs: @Sendable () -> [AggregateSpec]
        var emit: EmitMode
        var keys: Int
        var merchants: UInt64
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        var cases = [Case(name: "bench-config", specs: benchSpecs, emit: .both, keys: 40, merchants: 300)]
        let windows: [(String, WindowSpec, Int64)] = [
            ("tumbling", .tumbling(size: 2_000), 100), ("hopping", .hopping(size: 3_000, every: 1_000), 0),
            ("sliding", .sliding(2_500), 200), ("session", .session(gap: 400), 50),
            ("count", .count(6), 0), ("unbounded", .unbounded, 0),
        ]
        for (name, w, g) in windows {
            cases.append(Case(name: "all-\(name)", specs: { allAggregates(window: w, grace: g) + denseDistinct(w, g) },
                              emit: .both, keys: 3, merchants: 200))
        }
        cases.append(Case(name: "mixed-per-event", specs: RestartTests.layout1Specs, emit: .perEvent, keys: 5, merchants: 50))
        return cases
    }()

    @Sendable static func benchSpecs() -> [AggregateSpec] {
        [
            AggregateSpec("tx_count_1m", .count, window: .tumbling(size: 6_000)),
            AggregateSpec("amount_sum_1m", .sum, of: .field("amount"), window: .tumbling(size: 6_000)),
            AggregateSpec("amount_mean_1h", .mean, of: .field("amount"), window: .sliding(30_000)),
            AggregateSpec("merchants_24h", .distinct(precision: 12), of: .field("merchant"), window: .tumbling(size: 600_000)),
            AggregateSpec("merchants_small", .distinct(precision: 4), of: .field("merchant"), window: .tumbling(size: 600_000)),
        ]
    }

    /// A distinct aggregate small enough to switch to HyperLogLog within the stream.
    static func denseDistinct(_ w: WindowSpec, _ g: Int64) -> [AggregateSpec] {
        [AggregateSpec("distinct_p4", .distinct(precision: 4), of: .field("merchant"), window: w, grace: g)]
    }

    /// Like `makeStream`, but with fractional amounts (summation order shows in the last bits), many
    /// merchants, a wrong-typed amount now and then, and checkpoints mid-stream.
    static func events(seed: UInt64, count: Int, keys: Int, merchants: UInt64) -> [TestEvent] {
        var rng = SeededRandom(seed: seed)
        var now: Int64 = 5_000_000
        var out: [TestEvent] = []
        for i in 0..<count {
            now += rng.int(0...60)
            let t = rng.chance(0.25) ? now - rng.int(0...900) : now
            var f = Fields()
            f.append("id", .int(Int64(i)))
            switch rng.int(0...49) {
            case 0: f.append("amount", .null)
            case 1: f.append("amount", .string("n/a"))
            case 2: break
            default: f.append("amount", .double(Double(rng.int(0...1_000_000)) / 97))
            }
            f.append("merchant", .string("m\(rng.next() % merchants)"))
            let key = Array("user-\(rng.int(0...Int64(keys - 1)))".utf8)
            out.append(TestEvent(key: key, time: t, record: Record(fields: f, key: key, timestamp: t)))
        }
        return out
    }

    /// One line per case: output count and an FNV-1a digest over the rendered outputs and every
    /// checkpoint's key bytes and state bytes.
    static func digest(_ c: Case) throws -> String {
        let engine = try FeatureEngine(.init(aggregates: c.specs(), emit: c.emit,
                                             watermark: WatermarkTracker(maxOutOfOrder: 300), slidingBuckets: 6))
        var h = FNV()
        var n = 0
        let stream = events(seed: 0xC0FFEE, count: 3_000, keys: c.keys, merchants: c.merchants)
        for (i, e) in stream.enumerated() {
            for o in engine.process(e.record, key: e.key, eventTime: e.time) {
                h.add(render(o)); n += 1
            }
            if i % 250 == 249 {
                for s in engine.takeDirtySnapshots() { h.add(s.key); h.add(s.state ?? [0xFF]) }
                h.add(engine.snapshotEngine())
            }
        }
        for o in engine.advanceWatermark(to: .max) { h.add(render(o)); n += 1 }
        for s in engine.takeDirtySnapshots() { h.add(s.key); h.add(s.state ?? [0xFF]) }
        return "\(c.name) \(n) \(String(h.value, radix: 16))"
    }

    struct FNV {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        mutating func add<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
            for b in bytes { value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            value = (value ^ 0x0A) &* 0x0000_0100_0000_01b3
        }
        mutating func add(_ s: String) { add(s.utf8) }
    }

    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/features/golden-digests.txt")

    @Test("every case matches its recorded digest")
    func matchesRecordedDigests() throws {
        let lines = try Self.cases.map(Self.digest)
        if ProcessInfo.processInfo.environment["SLUICE_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.fixture.deletingLastPathComponent(), withIntermediateDirectories: true)
            try (lines.joined(separator: "\n") + "\n").write(to: Self.fixture, atomically: true, encoding: .utf8)
            return
        }
        let recorded = try String(contentsOf: Self.fixture, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(recorded.count == lines.count)
        for (got, want) in zip(lines, recorded) { #expect(got == want) }
    }
}
