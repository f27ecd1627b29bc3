import Foundation
import Testing
@testable import SluiceState

@Suite struct CheckpointTests {
    func makeState(_ dir: TempDir, keys: EncryptionKeyRing = .init(), storeOptions: StoreOptions = .init(blockSize: 1024), retained: Int = 3) throws -> (PartitionState, KeyValueStore) {
        let state = try PartitionState(config: .init(
            rootDirectory: dir.path, operatorName: "features", partition: 2, topologyHash: "abc", retainedManifests: retained, keys: keys))
        let store = try KeyValueStore(name: "agg", options: storeOptions)
        try state.register(store)
        return (state, store)
    }

    /// Applies random puts and deletes to `store` and the reference `model`.
    func mutate(_ store: KeyValueStore, _ model: inout [[UInt8]: [UInt8]], rng: inout SplitMix64, ops: Int) throws {
        for _ in 0..<ops {
            let key = Array(String(format: "k%04d", Int.random(in: 0..<500, using: &rng)).utf8)
            if Int.random(in: 0..<4, using: &rng) == 0 {
                store.delete(key)
                model[key] = nil
            } else {
                let value = rng.bytes(Int.random(in: 0...64, using: &rng))
                try store.put(key, value, timestamp: 5)
                model[key] = value
            }
        }
    }

    /// A restart from `dir` restores these offsets and this content.
    func expectRestart(
        _ dir: TempDir, restores offsets: SourceOffsets, _ model: [[UInt8]: [UInt8]],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let (fresh, freshStore) = try makeState(dir)
        #expect(try fresh.restore()?.sourceOffsets == offsets, sourceLocation: sourceLocation)
        #expect(contents(freshStore) == model, sourceLocation: sourceLocation)
    }

    @Test(arguments: [(CompressionCodec.zstd, false), (.lz4, true), (.none, false)])
    func incrementalCheckpointsRestoreExactly(codec: CompressionCodec, encrypted: Bool) throws {
        let dir = TempDir()
        let keys = EncryptionKeyRing([try testKey("k")])
        let options = StoreOptions(codec: codec, encryptionKeyID: encrypted ? "k" : nil, blockSize: 1024)
        let (state, store) = try makeState(dir, keys: keys, storeOptions: options)
        var rng = SplitMix64(seed: 5)
        var model: [[UInt8]: [UInt8]] = [:]
        var lastOffsets: SourceOffsets = [:]
        for round in 0..<5 {
            try mutate(store, &model, rng: &rng, ops: 300)
            lastOffsets = ["events": [2: Int64(round * 100)], "labels": [2: Int64(round)]]
            let result = try state.checkpoint(offsets: lastOffsets, changelogOffsets: ["app-agg-changelog": [2: Int64(round * 7)]])
            #expect(result.segments.count == 1)
            #expect(!store.hasChanges)
            if round > 0 { #expect(result.entriesWritten + result.tombstonesWritten <= 300) }
        }
        let (fresh, freshStore) = try makeState(dir, keys: keys, storeOptions: options)
        let restored = try #require(try fresh.restore())
        #expect(contents(freshStore) == model)
        #expect(restored.sourceOffsets == lastOffsets)
        #expect(restored.changelogOffsets == ["app-agg-changelog": [2: 28]])
        #expect(restored.keysPerStore["agg"] == model.count)
        #expect(restored.skippedManifests.isEmpty)
        // Only the last 3 manifests are retained.
        #expect(ManifestFile.list(fresh.directory).map(\.seq) == [5, 4, 3])
    }

    @Test func checkpointWithoutChangesWritesOnlyAManifest() throws {
        let dir = TempDir()
        let (state, store) = try makeState(dir)
        try store.put([1], [1])
        _ = try state.checkpoint(offsets: ["t": [0: 1]])
        let second = try state.checkpoint(offsets: ["t": [0: 2]])
        #expect(second.segments.isEmpty)
        #expect(state.currentManifest?.segments.count == 1)
        let (fresh, _) = try makeState(dir)
        #expect(try fresh.restore()?.sourceOffsets == ["t": [0: 2]])
    }

    @Test func segmentsWrittenAheadBecomeStateOnlyWithTheirManifest() throws {
        let dir = TempDir()
        let (state, store) = try makeState(dir)
        try store.put(bytes("a"), bytes("1"))
        _ = try state.checkpoint(offsets: ["t": [2: 10]])
        try store.put(bytes("a"), bytes("2"))
        let pending = try state.writeSegments()
        let file = try #require(pending.written.first?.path)
        #expect(FileManager.default.fileExists(atPath: file))
        // Written but not committed: a restart restores the previous manifest.
        try expectRestart(dir, restores: ["t": [2: 10]], [bytes("a"): bytes("1")])
        #expect(store.hasChanges)

        let result = try state.commit(pending, offsets: ["t": [2: 20]])
        #expect(result.segments.map(\.path) == [file])
        #expect(!store.hasChanges)
        try expectRestart(dir, restores: ["t": [2: 20]], [bytes("a"): bytes("2")])
    }

    @Test func discardedSegmentsAreDeletedAndTheStoresStayDirty() throws {
        let dir = TempDir()
        let (state, store) = try makeState(dir)
        try store.put(bytes("a"), bytes("1"))
        let pending = try state.writeSegments()
        let file = try #require(pending.written.first?.path)
        state.discard(pending)
        #expect(!FileManager.default.fileExists(atPath: file))
        #expect(store.hasChanges)
        #expect(state.currentManifest == nil)
        _ = try state.checkpoint(offsets: ["t": [2: 5]])
        try expectRestart(dir, restores: ["t": [2: 5]], [bytes("a"): bytes("1")])
    }

    @Test func commitRefusesAStoreChangedSinceItsSegmentWasWritten() throws {
        let dir = TempDir()
        let (state, store) = try makeState(dir)
        try store.put(bytes("a"), bytes("1"))
        let pending = try state.writeSegments()
        try store.put(bytes("b"), bytes("1"))
        #expect(throws: StateError.self) { try state.commit(pending, offsets: ["t": [2: 5]]) }
        #expect(pending.written.allSatisfy { !FileManager.default.fileExists(atPath: $0.path) })
        #expect(state.currentManifest == nil)
        // Both changes are still dirty: the next checkpoint writes them.
        _ = try state.checkpoint(offsets: ["t": [2: 6]])
        let (fresh, freshStore) = try makeState(dir)
        #expect(contents(freshStore).isEmpty)
        _ = try fresh.restore()
        #expect(contents(freshStore) == [bytes("a"): bytes("1"), bytes("b"): bytes("1")])
    }

    @Test func commitRefusesSegmentsOvertakenByAnotherCheckpoint() throws {
        let dir = TempDir()
        let (state, store) = try makeState(dir)
        try store.put(bytes("a"), bytes("1"))
        let stale = try state.writeSegments()
        _ = try state.checkpoint(offsets: ["t": [2: 7]])
        #expect(throws: StateError.self) { try state.commit(stale, offsets: ["t": [2: 8]]) }
        // The committed checkpoint (whose segment has the stale one's name) is intact.
        try expectRestart(dir, restores: ["t": [2: 7]], [bytes("a"): bytes("1")])
    }

    @Test func nothingToRestoreReturnsNil() throws {
        let dir = TempDir()
        let (state, _) = try makeState(dir)
        #expect(try state.restore() == nil)
    }

    @Test func fallsBackWhenNewestSegmentIsCorrupt() throws {
        let dir = TempDir()
        let (state, store) = try makeState(dir)
        try store.put(bytes("a"), bytes("1"))
        _ = try state.checkpoint(offsets: ["t": [2: 10]])
        try store.put(bytes("a"), bytes("2"))
        try store.put(bytes("b"), bytes("2"))
        let second = try state.checkpoint(offsets: ["t": [2: 20]])
        let newest = try #require(second.segments.first)
        try mutateFile(newest.path) { $0[$0.count / 2] ^= 0xFF }
        let (fresh, freshStore) = try makeState(dir)
        let restored = try #require(try fresh.restore())
        #expect(restored.manifestSeq == 1)
        #expect(restored.sourceOffsets == ["t": [2: 10]])
        #expect(contents(freshStore) == [bytes("a"): bytes("1")])
        #expect(restored.skippedManifests.map(\.file) == ["MANIFEST-0000000002.json"])
        // The next checkpoint continues after the newest seq and builds on the fallback state.
        try freshStore.put(bytes("c"), bytes("3"))
        #expect(try fresh.checkpoint(offsets: ["t": [2: 11]]).manifestSeq == 3)
        let (again, againStore) = try makeState(dir)
        #expect(try again.restore()?.manifestSeq == 3)
        #expect(contents(againStore) == [bytes("a"): bytes("1"), bytes("c"): bytes("3")])
    }

    @Test func unreadableManifestFallsBack() throws {
        let dir = TempDir()
        let (state, store) = try makeState(dir)
        try store.put([1], [1])
        _ = try state.checkpoint(offsets: ["t": [2: 1]])
        try store.put([1], [2])
        let second = try state.checkpoint(offsets: ["t": [2: 2]])
        try Data("{\"seq\": ".utf8).write(to: URL(fileURLWithPath: second.manifestPath))
        let (fresh, freshStore) = try makeState(dir)
        #expect(try fresh.restore()?.manifestSeq == 1)
        #expect(freshStore.get([1]) == [1])
    }

    @Test func leftoverTempFilesAreIgnored() throws {
        let dir = TempDir()
        let (state, store) = try makeState(dir)
        try store.put([1], [1])
        _ = try state.checkpoint(offsets: ["t": [2: 1]])
        // A crash during the next checkpoint leaves a half-written manifest and segment.
        try Data("{\"seq\": 2, \"segm".utf8).write(to: URL(fileURLWithPath: state.directory + "/MANIFEST-0000000002.json.tmp"))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: state.directory + "/agg-0000000002.slsg.tmp"))
        let (fresh, freshStore) = try makeState(dir)
        let restored = try #require(try fresh.restore())
        #expect(restored.manifestSeq == 1 && restored.skippedManifests.isEmpty)
        #expect(freshStore.get([1]) == [1])
        #expect(!FileManager.default.fileExists(atPath: state.directory + "/MANIFEST-0000000002.json.tmp"))
    }

    @Test func wrongKeyIsAnErrorNotAFallback() throws {
        let dir = TempDir()
        let options = StoreOptions(encryptionKeyID: "k")
        let (state, store) = try makeState(dir, keys: EncryptionKeyRing([try testKey("k")]), storeOptions: options)
        try store.put([1], [1])
        _ = try state.checkpoint(offsets: [:])
        let (wrong, _) = try makeState(dir, keys: EncryptionKeyRing([try testKey("k", byte: 1)]), storeOptions: options)
        let error = #expect(throws: StateError.self) { try wrong.restore() }
        #expect(error?.code == .encryptionKeyMismatch)
        // Registering a store whose key is absent fails up front.
        #expect(throws: StateError.self) { try makeState(dir, storeOptions: options) }
    }

    @Test func ttlTimestampsSurviveRestore() throws {
        let dir = TempDir()
        let options = StoreOptions(ttlMillis: 1000)
        let (state, store) = try makeState(dir, storeOptions: options)
        try store.put(bytes("old"), [1], timestamp: 100)
        try store.put(bytes("new"), [1], timestamp: 1900)
        _ = try state.checkpoint(offsets: [:])
        let (fresh, freshStore) = try makeState(dir, storeOptions: options)
        _ = try fresh.restore()
        #expect(freshStore.timestamp(of: bytes("old")) == 100)
        #expect(freshStore.expire(now: 2000) == 1)
        #expect(freshStore.get(bytes("new")) != nil)
    }
}
