import SluiceCore
import Testing
@testable import SluiceFeatures

@Suite("Dirty keys and TTL eviction")
struct StateLifecycleTests {
    func engine(ttl: Int64?) throws -> FeatureEngine {
        try FeatureEngine(.init(
            aggregates: [AggregateSpec("n", .count, window: .tumbling(size: 1_000)),
                         AggregateSpec("since", .timeSinceLast, window: .unbounded)],
            watermark: WatermarkTracker(maxOutOfOrder: 0), keyTTL: ttl))
    }

    @Test("only keys touched since the last snapshot are dirty")
    func dirtyKeys() throws {
        let e = try engine(ttl: nil)
        let a = Array("a".utf8), b = Array("b".utf8)
        _ = e.process(Record(), key: a, eventTime: 10)
        _ = e.process(Record(), key: b, eventTime: 20)
        #expect(e.dirtyKeys == [a, b])
        e.markClean()
        _ = e.process(Record(), key: b, eventTime: 30)
        #expect(e.dirtyKeys == [b])
        let snaps = e.takeDirtySnapshots()
        #expect(snaps.map(\.key) == [b])
        #expect(snaps[0].state != nil)
        #expect(e.dirtyKeys.isEmpty)
    }

    @Test("idle keys are evicted after the TTL and reported as tombstones")
    func ttlEviction() throws {
        let e = try engine(ttl: 5_000)
        let a = Array("a".utf8), b = Array("b".utf8)
        _ = e.process(Record(), key: a, eventTime: 1_000)
        _ = e.process(Record(), key: b, eventTime: 4_000)
        e.markClean()
        _ = e.process(Record(), key: b, eventTime: 6_500)   // watermark 6500: a is 5500 behind
        #expect(e.evictIdleKeys() == [a])
        #expect(e.keyCount == 1)
        let snaps = e.takeDirtySnapshots()
        #expect(snaps.contains { $0.key == a && $0.state == nil })
        #expect(e.lookup(a)["since"] == .null)
        #expect(e.counters.keysEvicted == 1)
    }

    @Test("a TTL shorter than a window is rejected")
    func ttlTooShort() {
        #expect(throws: FeatureError.self) { try engine(ttl: 500) }
    }

    @Test("invalid configurations are rejected with the aggregate named", arguments: [
        [AggregateSpec("a", .count, window: .tumbling(size: 0))],
        [AggregateSpec("a", .sum, window: .unbounded)],
        [AggregateSpec("a", .count, window: .unbounded), AggregateSpec("a", .count, window: .unbounded)],
        [AggregateSpec("a", .quantile(q: 1.5, k: 100), of: .field("x"), window: .unbounded)],
        [AggregateSpec("a", .count, window: .hopping(size: 100, every: 200))],
        [AggregateSpec("a", .distinct(precision: 30), of: .field("x"), window: .unbounded)],
        [AggregateSpec("a", .count, window: .sliding(100), grace: -1)],
    ])
    func invalidConfig(_ specs: [AggregateSpec]) {
        do {
            _ = try FeatureEngine(.init(aggregates: specs))
            Issue.record("accepted an invalid configuration")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.description.contains("a"))
        }
    }
}
