import Testing
@testable import SluiceState

@Suite struct KeyValueStoreTests {
    @Test func putGetDeleteAndDirtyTracking() throws {
        let store = try KeyValueStore(name: "s")
        try store.put(bytes("a"), bytes("1"))
        try store.put(bytes("b"), bytes("2"))
        try store.put(bytes("a"), bytes("3"))
        #expect(store.get(bytes("a")) == bytes("3"))
        #expect(store.count == 2)
        #expect(store.delete(bytes("b")) == bytes("2"))
        #expect(store.delete(bytes("zz")) == nil)
        #expect(store.get(bytes("b")) == nil)
        #expect(store.dirtyCount == 2)
        store.markClean()
        #expect(!store.hasChanges)
        #expect(store.range().map(\.key) == [bytes("a")])
    }

    @Test func rangeScanIsSortedAndBounded() throws {
        let store = try KeyValueStore(name: "s")
        for k in ["d", "a", "c", "b", "e"] { try store.put(bytes(k), bytes(k)) }
        #expect(store.range(from: bytes("b"), to: bytes("e")).map(\.key) == ["b", "c", "d"].map(bytes))
        #expect(store.range().map(\.key) == ["a", "b", "c", "d", "e"].map(bytes))
    }

    @Test func changeListenerSeesEveryMutation() throws {
        let store = try KeyValueStore(name: "s", options: .init(ttlMillis: 100))
        var log: [([UInt8], [UInt8]?)] = []
        store.onChange = { log.append(($0, $1)) }
        try store.put(bytes("a"), bytes("1"), timestamp: 0)
        try store.put(bytes("b"), bytes("2"), timestamp: 500)
        store.delete(bytes("b"))
        store.expire(now: 1000)
        #expect(log.map(\.0) == ["a", "b", "b", "a"].map(bytes))
        #expect(log.map(\.1) == [bytes("1"), bytes("2"), nil, nil])
        // Changelog replay does not echo back into the listener.
        store.applyChangelogRecord(key: bytes("c"), value: bytes("3"))
        #expect(log.count == 4)
        #expect(store.get(bytes("c")) == bytes("3"))
    }

    @Test func ttlExpiresOnlyOldKeys() throws {
        let store = try KeyValueStore(name: "dedupe", options: .init(ttlMillis: 1000))
        try store.put(bytes("old"), [1], timestamp: 1000)
        try store.put(bytes("edge"), [1], timestamp: 2000)
        try store.put(bytes("new"), [1], timestamp: 2900)
        #expect(store.expire(now: 3000) == 1)
        #expect(store.get(bytes("old")) == nil)
        #expect(store.get(bytes("edge")) != nil)
        #expect(store.get(bytes("new")) != nil)
        let noTTL = try KeyValueStore(name: "n")
        try noTTL.put([1], [1], timestamp: 0)
        #expect(noTTL.expire(now: .max) == 0)
    }

    @Test func memoryBudgetFailsWithStoreName() throws {
        let store = try KeyValueStore(name: "joins", options: .init(memoryBudget: .init(bytes: 1000)))
        for i in 0..<5 { try store.put([UInt8(i)], [UInt8](repeating: 0, count: 50)) }
        let error = #expect(throws: StateError.self) { try store.put([99], [UInt8](repeating: 0, count: 500)) }
        #expect(error?.code == .memoryBudgetExceeded)
        #expect(error?.message.contains("'joins'") == true)
        #expect(store.count == 5 && store.get([99]) == nil)
        #expect(store.approximateBytes <= 1000)
    }

    @Test func memoryBudgetEvictsOldestWrites() throws {
        let store = try KeyValueStore(name: "cache", options: .init(memoryBudget: .init(bytes: 2000, policy: .evictOldest)))
        var evicted: [[UInt8]] = []
        store.onChange = { key, value in if value == nil { evicted.append(key) } }
        for i in 0..<40 { try store.put([UInt8(i)], [UInt8](repeating: 1, count: 20), timestamp: Int64(i)) }
        #expect(store.approximateBytes <= 2000)
        #expect(store.get([39]) != nil)
        #expect(!evicted.isEmpty)
        // Evicted keys are the oldest ones.
        let maxEvicted = evicted.map { Int($0[0]) }.max()!
        let minKept = store.range().map { Int($0.key[0]) }.min()!
        #expect(maxEvicted < minKept)
    }

    @Test func invalidStoreNamesAreRejected() {
        for name in ["", "a/b", "..", "x y"] {
            #expect(throws: StateError.self) { try KeyValueStore(name: name) }
        }
    }

    struct Welford: BinaryStateValue, Equatable {
        var n: Int64
        var mean: Double
        var label: String
        init(n: Int64, mean: Double, label: String) { (self.n, self.mean, self.label) = (n, mean, label) }
        func write(to w: inout StateBinaryWriter) { w.write(n); w.write(mean); w.write(label) }
        init(from r: inout StateBinaryReader) throws {
            n = try r.readInt64()
            mean = try r.readDouble()
            label = try r.readString()
        }
    }

    @Test func typedViews() throws {
        let store = try KeyValueStore(name: "t")
        let counts = TypedStore(store, key: StringCodec(), value: Int64Codec())
        try counts.put("user-1", -42)
        #expect(try counts.get("user-1") == -42)
        let stats = TypedStore(store, key: Int64Codec(), value: BinaryStructCodec<Welford>())
        try stats.put(7, Welford(n: 3, mean: 1.5, label: "é"))
        #expect(try stats.get(7) == Welford(n: 3, mean: 1.5, label: "é"))
        let doubles = TypedStore(store, key: StringCodec(), value: DoubleCodec())
        try doubles.put("x", .pi)
        #expect(try doubles.get("x") == .pi)
        // A value of the wrong shape is a decode error, not garbage.
        try store.put(Int64Codec().encode(8), [1, 2, 3])
        #expect(throws: StateError.self) { try stats.get(8) }
        try store.put(bytes("y"), [1, 2, 3])
        #expect(throws: StateError.self) { try counts.get("y") }
    }
}
