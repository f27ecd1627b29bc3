import Foundation
import SluiceCore
import Testing
@testable import SluiceFeatures

@Suite("State snapshots: restart mid-window equals no restart")
struct RestartTests {
    /// Several window kinds in one engine, so one restart covers them all.
    static func mixedSpecs() -> [AggregateSpec] {
        let m = FeatureInput.field("merchant")
        return layout1Specs() + [
            // Order-insensitive states over panes, which layout 2 stores without their `full` state.
            AggregateSpec("distinct_1s", .distinct(precision: 8), of: m, window: .tumbling(size: 1_000)),
            AggregateSpec("distinct_2s", .distinct(precision: 8), of: m, window: .sliding(2_000), grace: 100),
            AggregateSpec("min_hop", .min, of: .field("amount"), window: .hopping(size: 1_200, every: 300)),
        ]
    }

    /// The configuration `Fixtures/features/layout1-snapshots.txt` was written with.
    static func layout1Specs() -> [AggregateSpec] {
        let amt = FeatureInput.field("amount"), m = FeatureInput.field("merchant")
        return [
            AggregateSpec("count_1s", .count, window: .tumbling(size: 1_000)),
            AggregateSpec("sum_1s", .sum, of: amt, window: .tumbling(size: 1_000)),
            AggregateSpec("mean_2s", .mean, of: amt, window: .sliding(2_000), grace: 100),
            AggregateSpec("max_2s", .max, of: amt, window: .sliding(2_000), grace: 100),
            AggregateSpec("p50_hop", .quantile(q: 0.5, k: 16), of: amt, window: .hopping(size: 1_200, every: 300)),
            AggregateSpec("std_hop", .stddev(sample: false), of: amt, window: .hopping(size: 1_200, every: 300)),
            AggregateSpec("distinct_sess", .distinct(precision: 8), of: m, window: .session(gap: 200), grace: 50),
            AggregateSpec("first_sess", .first, of: m, window: .session(gap: 200), grace: 50),
            AggregateSpec("last3", .lastK(3), of: m, window: .count(4)),
            AggregateSpec("decayed", .decayedMean(halfLife: 300), of: amt, window: .unbounded),
            AggregateSpec("since", .timeSinceLast, window: .unbounded),
        ]
    }

    static func makeEngine(_ emit: EmitMode, specs: [AggregateSpec] = mixedSpecs()) throws -> FeatureEngine {
        try FeatureEngine(.init(aggregates: specs, emit: emit,
                                watermark: WatermarkTracker(maxOutOfOrder: 150), slidingBuckets: 5))
    }

    static func run(_ engine: FeatureEngine, _ events: ArraySlice<TestEvent>) -> [String] {
        var out: [FeatureOutput] = []
        for e in events { engine.process(e.record, key: e.key, eventTime: e.time, into: &out) }
        return out.map(render)
    }

    @Test("full snapshot at the midpoint", arguments: [EmitMode.perEvent, .onClose, .both], [UInt64(3), 8])
    func fullSnapshot(emit: EmitMode, seed: UInt64) throws {
        let events = makeStream(seed: seed, count: 500, keys: 4, disorder: 400)
        let half = events.count / 2
        let straight = try Self.run(Self.makeEngine(emit), events[...])

        let first = try Self.makeEngine(emit)
        let before = Self.run(first, events[..<half])
        let snaps = first.takeDirtySnapshots()
        #expect(snaps.count == 4)
        let engineBytes = first.snapshotEngine()

        let second = try Self.makeEngine(emit)
        try second.restoreEngine(engineBytes)
        for s in snaps { try second.restore(key: s.key, bytes: try #require(s.state)) }
        #expect(second.dirtyKeys.isEmpty)
        let after = Self.run(second, events[half...])
        #expect(before.count + after.count == straight.count)
        #expect(before + after == straight)
    }

    @Test("incremental snapshots of dirty keys into a store, restart from the store")
    func incrementalStore() throws {
        let events = makeStream(seed: 42, count: 600, keys: 6, disorder: 400)
        let straight = try Self.run(Self.makeEngine(.both), events[...])
        let engine = try Self.makeEngine(.both)
        var store: [[UInt8]: [UInt8]] = [:]
        var outputs: [String] = []
        var i = 0
        var checkpoints = 0
        while i < 370 {
            let next = min(i + 37, 370)
            outputs += Self.run(engine, events[i..<next])
            let dirty = engine.takeDirtySnapshots()
            #expect(!dirty.isEmpty && dirty.count <= 6)
            for d in dirty { store[d.key] = d.state }
            checkpoints += 1
            i = next
        }
        #expect(engine.dirtyKeys.isEmpty)
        let restored = try Self.makeEngine(.both)
        try restored.restoreEngine(engine.snapshotEngine())
        for (k, v) in store { try restored.restore(key: k, bytes: v) }
        outputs += Self.run(restored, events[370...])
        #expect(checkpoints == 10)
        #expect(outputs == straight)
    }

    @Test("state from another configuration is refused; damaged bytes are reported")
    func incompatibleAndCorrupt() throws {
        let e = try Self.makeEngine(.perEvent)
        let ev = makeStream(seed: 1, count: 20, keys: 1)
        _ = Self.run(e, ev[...])
        let bytes = try #require(e.snapshot(key: ev[0].key))
        let other = try FeatureEngine(.init(aggregates: [AggregateSpec("n", .count, window: .unbounded)]))
        #expect(throws: FeatureError.self) { try other.restore(key: ev[0].key, bytes: bytes) }
        do {
            try other.restore(key: ev[0].key, bytes: bytes)
        } catch {
            #expect(error.code == .incompatibleState)
        }
        let fresh = try Self.makeEngine(.perEvent)
        for cut in [0, 3, 4, 12, bytes.count / 2, bytes.count - 1] {
            do {
                try fresh.restore(key: ev[0].key, bytes: Array(bytes[..<cut]))
                Issue.record("truncated state (\(cut) of \(bytes.count) bytes) was accepted")
            } catch {
                #expect(error.code == .corruptState)
            }
        }
        try fresh.restore(key: ev[0].key, bytes: bytes)
        #expect(fresh.lookup(ev[0].key) == e.lookup(ev[0].key))
    }

    /// Snapshots written by earlier builds after the first half of a stream, in state layout 1 (fixed-width
    /// fields) and layout 2 (every order-sensitive pane state and time range stored): restoring them and running
    /// the second half gives the no-restart outputs, and written again in the current layout they are smaller.
    @Test("state written with an older layout still restores to the same outputs", arguments: [1, 2])
    func olderLayoutRestores(layout: Int) throws {
        let specs = layout == 1 ? Self.layout1Specs() : Self.mixedSpecs()
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/features/layout\(layout)-snapshots.txt")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        let events = makeStream(seed: 3, count: 500, keys: 4, disorder: 400)
        let straight = try Self.run(Self.makeEngine(.perEvent, specs: specs), events[...])
        let restored = try Self.makeEngine(.perEvent, specs: specs)
        var olderBytes = 0, currentBytes = 0
        for line in lines {
            let parts = line.split(separator: " ").map(String.init)
            if parts[0] == "engine" { try restored.restoreEngine(hexBytes(parts[1])); continue }
            let key = hexBytes(parts[0]), bytes = hexBytes(parts[1])
            #expect(bytes[3] == UInt8(layout))
            try restored.restore(key: key, bytes: bytes)
            let rewritten = try #require(restored.snapshot(key: key))
            #expect(rewritten[3] == FeatureEngine.stateVersion)
            olderBytes += bytes.count
            currentBytes += rewritten.count
        }
        #expect(restored.keyCount == 4)
        #expect(currentBytes < olderBytes)
        let after = Self.run(restored, events[250...])
        #expect(after == Array(straight[(straight.count - after.count)...]))
        #expect(after.count == straight.count - Self.run(try Self.makeEngine(.perEvent, specs: specs), events[..<250]).count)
    }

    /// A floating-point sum depends on the order of its additions: a pane whose entries arrived out of time
    /// order keeps its `full` state in the snapshot (it is not what the raw entries fold to), and one whose
    /// entries arrived in order does not need to. Both restore bit for bit.
    @Test("order-sensitive pane states restore bit for bit, stored only when entries arrived out of order")
    func orderSensitiveFullState() throws {
        func engine() throws -> FeatureEngine {
            try FeatureEngine(.init(aggregates: [AggregateSpec("sum", .sum, of: .field("amount"), window: .sliding(10_000))],
                                    watermark: WatermarkTracker(maxOutOfOrder: 5_000)))
        }
        func event(_ t: Int64, _ amount: Double) -> Record {
            Record(fields: ["amount": .double(amount)], timestamp: t)
        }
        // (0.1 + 0.2) + 0.3 != (0.2 + 0.3) + 0.1 in binary floating point.
        let shuffled: [(Int64, Double)] = [(1_010, 0.1), (1_005, 0.2), (1_007, 0.3)]
        let ordered: [(Int64, Double)] = [(1_005, 0.2), (1_007, 0.3), (1_010, 0.1)]
        var sizes: [Int] = []
        for arrivals in [shuffled, ordered] {
            let original = try engine()
            var out: [FeatureOutput] = []
            for (t, a) in arrivals { original.process(event(t, a), key: [1], eventTime: t, into: &out) }
            let bytes = try #require(original.snapshot(key: [1]))
            sizes.append(bytes.count)
            let restored = try engine()
            try restored.restoreEngine(original.snapshotEngine())
            try restored.restore(key: [1], bytes: bytes)
            let probe = (Int64(1_011), 0.0)
            var a: [FeatureOutput] = [], b: [FeatureOutput] = []
            original.process(event(probe.0, probe.1), key: [1], eventTime: probe.0, into: &a)
            restored.process(event(probe.0, probe.1), key: [1], eventTime: probe.0, into: &b)
            #expect(a.map(render) == b.map(render))
            #expect(restored.snapshot(key: [1]) == original.snapshot(key: [1]))
        }
        #expect(sizes[0] > sizes[1])
    }

    func hexBytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        return out
    }
}
