import Testing
@testable import SluiceState

@Suite struct BulkLoadAndOrderTests {
    /// Keys that stress the prefix sort: shorter than 8 bytes, trailing zero bytes, equal 8-byte prefixes,
    /// 0xFF bytes, the empty key, and random keys of mixed lengths.
    static func awkwardKeys(seed: UInt64) -> [[UInt8]] {
        var rng = SplitMix64(seed: seed)
        var keys: [[UInt8]] = [[], [0], [0, 0], [1], [0xFF], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0]]
        keys += ["a", "ab", "abcdefgh", "abcdefgh\u{0}", "abcdefghi", "abcdefghij", "abcdefgi", "user-0001", "user-0001-x"].map(bytes)
        for _ in 0..<2000 { keys.append(rng.bytes(Int(rng.next() % 14))) }
        for i in 0..<500 { keys.append(bytes("shared-prefix-\(i)")) }
        return Array(Set(keys))
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func sortedKeysMatchesByteOrder(seed: UInt64) {
        let keys = Self.awkwardKeys(seed: seed)
        var table = EntryTable()
        var ids: [Int32] = []
        for k in keys {
            k.withUnsafeBytes { kb in ids.append(Int32(table.upsert(kb, kb, timestamp: 0, hash: table.hash(kb)).entry)) }
        }
        let expected = keys.sorted { compareBytes($0, $1) < 0 }
        #expect(table.sortedByKey(ids).map { table.key(at: Int($0)) } == expected)
    }

    @Test func hashSeparatesKeysThatDifferOnlyInTrailingZeros() {
        let keys = [[], [0], [0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0]].map(StateKey.init)
        #expect(Set(keys.map(\.hashValue)).count == keys.count)
        #expect(Set(keys).count == keys.count)
    }

    @Test func bulkLoadAppliesEntriesInOrderLikeChangelogReplay() throws {
        let store = try KeyValueStore(name: "s")
        var notified = 0
        store.onChange = { _, _ in notified += 1 }
        try store.put(bytes("keep"), bytes("1"))
        try store.put(bytes("gone"), bytes("2"))
        store.markClean()
        notified = 0
        store.bulkLoad([
            SegmentEntry(key: bytes("a"), value: bytes("x"), timestamp: 5),
            SegmentEntry(key: bytes("a"), value: bytes("yy"), timestamp: 9),
            SegmentEntry(key: bytes("gone"), value: nil),
            SegmentEntry(key: bytes("b"), value: bytes("z")),
        ])
        #expect(contents(store) == [bytes("keep"): bytes("1"), bytes("a"): bytes("yy"), bytes("b"): bytes("z")])
        #expect(store.timestamp(of: bytes("a")) == 9)
        #expect(notified == 0)
        #expect(store.dirtyCount == 3)  // a, gone, b
        // The memory estimate matches what the same content costs when written with `put`.
        let reference = try KeyValueStore(name: "r")
        for (k, v) in contents(store) { try reference.put(k, v) }
        #expect(store.approximateBytes == reference.approximateBytes)
    }

    @Test(arguments: [CompressionCodec.zstd, .lz4, .none])
    func restoreRebuildsContentAndMemoryEstimate(codec: CompressionCodec) throws {
        let dir = TempDir()
        let config = PartitionStateConfig(rootDirectory: dir.path, operatorName: "op", partition: 0)
        let state = try PartitionState(config: config)
        let store = try KeyValueStore(name: "s", options: .init(ttlMillis: 1000, codec: codec))
        try state.register(store)
        var rng = SplitMix64(seed: 9)
        let keys = Self.awkwardKeys(seed: 4)
        for (i, k) in keys.enumerated() { try store.put(k, rng.bytes(i % 90), timestamp: Int64(i)) }
        _ = try state.checkpoint(offsets: [:])
        // A second segment that overwrites, grows, shrinks and deletes keys.
        for (i, k) in keys.enumerated() where i % 3 == 0 {
            if i % 2 == 0 { store.delete(k) } else { try store.put(k, rng.bytes((i * 7) % 120), timestamp: Int64(i) + 5000) }
        }
        _ = try state.checkpoint(offsets: [:])

        let fresh = try PartitionState(config: config)
        let restored = try KeyValueStore(name: "s", options: .init(ttlMillis: 1000, codec: codec))
        try fresh.register(restored)
        let result = try #require(try fresh.restore())
        #expect(result.segmentsRead == 2)
        #expect(contents(restored) == contents(store))
        #expect(restored.approximateBytes == store.approximateBytes)
        #expect(!restored.hasChanges)
        for k in keys.prefix(50) { #expect(restored.timestamp(of: k) == store.timestamp(of: k)) }
    }
}
