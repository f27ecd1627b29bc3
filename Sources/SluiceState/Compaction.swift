/// A merge of one store's segments into one, planned on the task thread and runnable anywhere:
/// `run()` only reads the (immutable) input files and writes a new file, touching no store.
public struct CompactionJob: Sendable {
    public let storeName: String
    public let directory: String
    /// The store's segments at planning time, oldest first.
    public let inputs: [SegmentRef]
    public let outputFile: String
    /// Why the store qualified (segment count or dead ratio).
    public let reason: String
    let writerOptions: SegmentWriterOptions
    let keys: EncryptionKeyRing

    /// Streams a k-way merge of the inputs (newest version of each key wins) into the output
    /// segment. Tombstones are dropped: the output replaces the store's whole history.
    public func run() throws -> CompactionOutput {
        let clock = ContinuousClock()
        let start = clock.now
        let writer = try SegmentWriter(path: FileIO.join(directory, outputFile), options: writerOptions)
        var cursors = try inputs.map { ref -> MergeCursor in
            try MergeCursor(reader: SegmentReader(path: FileIO.join(directory, ref.file), keys: keys))
        }
        var read = 0
        var tombstones = 0
        do {
            while true {
                var winner = -1
                for i in cursors.indices {
                    guard let entry = cursors[i].current else { continue }
                    // Later cursors are newer segments, so ties go to the later one.
                    if winner < 0 || compareBytes(entry.key, cursors[winner].current!.key) <= 0 { winner = i }
                }
                guard winner >= 0 else { break }
                let entry = cursors[winner].current!
                for i in cursors.indices where cursors[i].current?.key == entry.key {
                    read += 1
                    try cursors[i].advance()
                }
                if entry.value == nil {
                    tombstones += 1
                } else {
                    try writer.append(entry)
                }
            }
            let info = try writer.finish()
            return CompactionOutput(
                job: self, segment: info, entriesRead: read, tombstonesDropped: tombstones, duration: clock.now - start)
        } catch {
            writer.abort()
            throw error
        }
    }
}

/// Reads one segment block by block during a merge.
private struct MergeCursor {
    let reader: SegmentReader
    var block = 0
    var entries: [SegmentEntry] = []
    var position = 0

    init(reader: SegmentReader) throws {
        self.reader = reader
        if !reader.blocks.isEmpty { entries = try reader.entries(inBlock: 0) }
    }

    var current: SegmentEntry? { position < entries.count ? entries[position] : nil }

    mutating func advance() throws {
        position += 1
        while position >= entries.count && block + 1 < reader.blocks.count {
            block += 1
            entries = try reader.entries(inBlock: block)
            position = 0
        }
    }
}

/// The result of `CompactionJob.run()`, to hand back to `PartitionState.applyCompaction`.
public struct CompactionOutput: Sendable {
    public let job: CompactionJob
    public let segment: SegmentInfo
    /// Entries read from the inputs (including shadowed versions and tombstones).
    public let entriesRead: Int
    public let tombstonesDropped: Int
    public let duration: Duration
}

extension PartitionState {
    /// Stores whose segments should be merged: more than `compactionSegmentThreshold` segments,
    /// or a dead share (1 − live keys / entries in segments) above `compactionDeadRatio`.
    public func compactionJobs() -> [CompactionJob] {
        guard let manifest = currentManifest else { return [] }
        var jobs: [CompactionJob] = []
        for name in Set(manifest.segments.map(\.store)).sorted() {
            let refs = manifest.segments(of: name)
            let total = refs.reduce(0) { $0 + $1.entries + $1.tombstones }
            let live = manifest.stores[name]?.liveKeys ?? total
            let dead = total > 0 ? 1 - Double(live) / Double(total) : 0
            let reason: String
            if refs.count > config.compactionSegmentThreshold {
                reason = "\(refs.count) segments > threshold \(config.compactionSegmentThreshold)"
            } else if dead > config.compactionDeadRatio && (refs.count > 1 || refs[0].tombstones > 0) {
                reason = "dead ratio \(dead) > \(config.compactionDeadRatio)"
            } else {
                continue
            }
            let options = stores[name]?.options ?? StoreOptions(
                codec: CompressionCodec(name: manifest.stores[name]?.codec ?? "") ?? .zstd,
                encryptionKeyID: manifest.stores[name]?.encryptionKeyID)
            let suffix = "-c" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
            jobs.append(CompactionJob(
                storeName: name, directory: directory, inputs: refs,
                outputFile: Self.segmentName(store: name, seq: manifest.seq, suffix: suffix), reason: reason,
                writerOptions: writerOptions(for: options), keys: config.keys))
        }
        return jobs
    }

    /// Swaps a finished compaction in with a new manifest (same offsets as the current one).
    /// Returns false, deleting the output, when the store's segments changed in a way that
    /// makes the output stale (its inputs are no longer the oldest segments of the store).
    @discardableResult
    public func applyCompaction(_ output: CompactionOutput) throws -> Bool {
        let job = output.job
        guard var manifest = currentManifest, job.directory == directory else {
            FileIO.remove(output.segment.path)
            return false
        }
        let current = manifest.segments(of: job.storeName)
        guard current.count >= job.inputs.count, Array(current.prefix(job.inputs.count)) == job.inputs else {
            FileIO.remove(output.segment.path)
            return false
        }
        let inputFiles = Set(job.inputs.map(\.file))
        var segments = manifest.segments.filter { !inputFiles.contains($0.file) }
        let firstOfStore = segments.firstIndex { $0.store == job.storeName } ?? segments.endIndex
        segments.insert(SegmentRef(store: job.storeName, file: job.outputFile, info: output.segment), at: firstOfStore)
        manifest.segments = segments
        manifest.seq = nextSeq
        manifest.createdAtMillis = currentMillis()
        try ManifestFile.write(manifest, to: directory)
        currentManifest = manifest
        nextSeq += 1
        _ = applyRetention()
        return true
    }

    /// Plans, runs and applies every due compaction on the calling thread.
    @discardableResult
    public func compactIfNeeded() throws -> [CompactionOutput] {
        var done: [CompactionOutput] = []
        for job in compactionJobs() {
            let output = try job.run()
            if try applyCompaction(output) { done.append(output) }
        }
        return done
    }
}
