import Foundation
import Testing
@testable import SluiceState

@Suite struct CompactionTests {
    func makeState(_ dir: TempDir, threshold: Int = 3) throws -> (PartitionState, KeyValueStore) {
        let state = try PartitionState(config: .init(
            rootDirectory: dir.path, operatorName: "join", partition: 0, compactionSegmentThreshold: threshold))
        let store = try KeyValueStore(name: "left", options: .init(codec: .lz4, blockSize: 512))
        try state.register(store)
        return (state, store)
    }

    @Test func compactionPreservesContentsAndDropsTombstones() async throws {
        let dir = TempDir()
        let (state, store) = try makeState(dir)
        var rng = SplitMix64(seed: 3)
        for round in 0..<5 {
            for i in 0..<200 { try store.put(Array("k\(i)".utf8), rng.bytes(10)) }
            for i in stride(from: round, to: 200, by: 5) { store.delete(Array("k\(i)".utf8)) }
            _ = try state.checkpoint(offsets: ["t": [0: Int64(round)]])
        }
        let before = contents(store)
        let jobs = state.compactionJobs()
        #expect(jobs.count == 1)
        #expect(jobs[0].inputs.count == 5)
        // The merge is a pure function of immutable files: run it off this thread.
        let output = try await Task.detached { try jobs[0].run() }.value
        #expect(output.segment.tombstones == 0)
        #expect(output.segment.entries == before.count)
        #expect(output.tombstonesDropped > 0)
        #expect(try state.applyCompaction(output))
        #expect(state.currentManifest?.segments.count == 1)
        #expect(state.compactionJobs().isEmpty)
        let (fresh, freshStore) = try makeState(dir)
        let restored = try #require(try fresh.restore())
        #expect(contents(freshStore) == before)
        #expect(restored.sourceOffsets == ["t": [0: 4]])
    }

    @Test func staleCompactionIsDiscarded() throws {
        let dir = TempDir()
        let (state, store) = try makeState(dir, threshold: 1)
        for i in 0..<3 {
            try store.put([UInt8(i)], [1])
            _ = try state.checkpoint(offsets: [:])
        }
        let job = try #require(state.compactionJobs().first)
        let output = try job.run()
        // Another compaction lands first: the first output no longer matches.
        try state.compactIfNeeded()
        #expect(try !state.applyCompaction(output))
        #expect(!FileManager.default.fileExists(atPath: output.segment.path))
    }

    @Test func checkpointsDuringCompactionAreKept() throws {
        let dir = TempDir()
        let (state, store) = try makeState(dir, threshold: 1)
        for i in 0..<3 {
            try store.put([UInt8(i)], [UInt8(i)])
            _ = try state.checkpoint(offsets: [:])
        }
        let job = try #require(state.compactionJobs().first)
        try store.put([9], [9])
        store.delete([0])
        _ = try state.checkpoint(offsets: ["t": [0: 9]])
        #expect(try state.applyCompaction(try job.run()))
        #expect(state.currentManifest?.segments.count == 2)
        let (fresh, freshStore) = try makeState(dir, threshold: 1)
        #expect(try fresh.restore()?.sourceOffsets == ["t": [0: 9]])
        #expect(contents(freshStore) == [[1]: [1], [2]: [2], [9]: [9]])
    }
}
