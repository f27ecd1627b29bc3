/// Configuration of a partition's checkpoint directory.
public struct PartitionStateConfig: Sendable {
    /// State root; the partition lives in `<root>/<operator>/p<partition>/`.
    public var rootDirectory: String
    public var operatorName: String
    public var partition: Int32
    /// Hash of the topology that produced this state, recorded in every manifest.
    public var topologyHash: String
    /// Manifests kept (with the segments they reference) for fallback; at least 1.
    public var retainedManifests: Int
    /// A store is compacted when it has more segments than this...
    public var compactionSegmentThreshold: Int
    /// ...or when more than this share of its segment entries are dead (shadowed or tombstones).
    public var compactionDeadRatio: Double
    /// Keys for encrypting stores (by `StoreOptions.encryptionKeyID`) and reading segments.
    public var keys: EncryptionKeyRing

    public init(
        rootDirectory: String, operatorName: String, partition: Int32, topologyHash: String = "",
        retainedManifests: Int = 3, compactionSegmentThreshold: Int = 8, compactionDeadRatio: Double = 0.5,
        keys: EncryptionKeyRing = .init()
    ) {
        self.rootDirectory = rootDirectory
        self.operatorName = operatorName
        self.partition = partition
        self.topologyHash = topologyHash
        self.retainedManifests = max(1, retainedManifests)
        self.compactionSegmentThreshold = compactionSegmentThreshold
        self.compactionDeadRatio = compactionDeadRatio
        self.keys = keys
    }

    /// `<root>/<operator>/p<partition>`.
    public var directory: String {
        FileIO.join(FileIO.join(rootDirectory, operatorName), "p\(partition)")
    }
}

/// What one checkpoint did.
public struct CheckpointResult: Sendable {
    public var manifestSeq: UInt64
    public var manifestPath: String
    /// New segments, one per store that had changes.
    public var segments: [SegmentInfo]
    public var entriesWritten: Int
    public var tombstonesWritten: Int
    public var bytesWritten: Int
    public var rawBytesWritten: Int
    public var segmentWriteDuration: Duration
    public var manifestWriteDuration: Duration
    public var totalDuration: Duration
    public var manifestsDeleted: Int
    public var segmentsDeleted: Int
}

/// The checkpointed state of one operator partition: its stores, their segments and manifests.
/// Owned by the partition's task, like the stores themselves.
///
/// ```swift
/// let state = try PartitionState(config: .init(rootDirectory: "/var/lib/sluice", operatorName: "features", partition: 3))
/// try state.register(store)
/// if let restored = try state.restore() { consumer.seek(restored.sourceOffsets) } else { replayChangelog() }
/// ...
/// let result = try state.checkpoint(offsets: ["events": [3: 1042]])
/// ```
public final class PartitionState {
    public let config: PartitionStateConfig
    public let directory: String
    var stores: [String: KeyValueStore] = [:]
    /// The manifest the in-memory stores correspond to (restored or last written).
    public internal(set) var currentManifest: Manifest?
    var nextSeq: UInt64

    /// Creates the partition directory if needed.
    public init(config: PartitionStateConfig) throws {
        try KeyValueStore.validate(name: config.operatorName)
        self.config = config
        self.directory = config.directory
        try FileIO.createDirectories(directory)
        nextSeq = (ManifestFile.list(directory).first?.seq ?? 0) + 1
    }

    /// Adds a store. Its name must be unique in the partition and its encryption key (if any) in the key ring.
    public func register(_ store: KeyValueStore) throws {
        guard stores[store.name] == nil else {
            throw StateError(.duplicateStore, "a store named '\(store.name)' is already registered for \(directory)")
        }
        if let id = store.options.encryptionKeyID, config.keys.key(id: id) == nil {
            throw StateError(
                .encryptionKeyMissing, "store '\(store.name)' is configured with encryption key '\(id)', which is not in the key ring",
                context: ["store": store.name, "key_id": id])
        }
        stores[store.name] = store
    }

    public func store(named name: String) -> KeyValueStore? { stores[name] }
    public var storeNames: [String] { stores.keys.sorted() }

    static func segmentName(store: String, seq: UInt64, suffix: String = "") -> String {
        let digits = String(seq)
        return "\(store)-" + String(repeating: "0", count: max(0, 10 - digits.count)) + digits + suffix + ".slsg"
    }

    func writerOptions(for options: StoreOptions) -> SegmentWriterOptions {
        SegmentWriterOptions(
            codec: options.codec, compressionLevel: options.compressionLevel, blockSize: options.blockSize,
            encryptionKey: options.encryptionKeyID.flatMap { config.keys.key(id: $0) })
    }

    /// Makes the current state durable: one incremental segment per store with changes (changed
    /// keys and tombstones only), then a manifest naming all live segments and these offsets.
    /// On success the stores' dirty sets are cleared; on failure nothing is marked clean and the
    /// previous manifest stays the newest.
    public func checkpoint(offsets: SourceOffsets, changelogOffsets: SourceOffsets = [:]) throws -> CheckpointResult {
        try commit(writeSegments(), offsets: offsets, changelogOffsets: changelogOffsets)
    }

    /// Segments written ahead of the manifest that will name them (`writeSegments`).
    public struct PendingSegments: Sendable {
        let seq: UInt64
        let refs: [SegmentRef]
        let written: [SegmentInfo]
        /// Each written store's dirty-key count when it was written: `commit` refuses if one differs (a cheap guard
        /// against a store changed in between, not a proof that none did).
        let dirtyCounts: [String: Int]
        let started: ContinuousClock.Instant
        let finished: ContinuousClock.Instant
    }

    /// A checkpoint's first half, which can run while the caller waits for something else (its outputs to be
    /// acknowledged, say): one segment per store with changes. No manifest names them yet, so they are not part
    /// of the state until `commit`; the stores must not change in between. `discard` deletes them.
    public func writeSegments() throws -> PendingSegments {
        let clock = ContinuousClock()
        let start = clock.now
        let seq = nextSeq
        var refs: [SegmentRef] = []
        var written: [SegmentInfo] = []
        var dirtyCounts: [String: Int] = [:]
        do {
            for name in storeNames {
                let store = stores[name]!
                guard store.hasChanges else { continue }
                let file = Self.segmentName(store: name, seq: seq)
                let writer = try SegmentWriter(path: FileIO.join(directory, file), options: writerOptions(for: store.options))
                try store.writeDirty(to: writer)
                let info = try writer.finish()
                written.append(info)
                refs.append(SegmentRef(store: name, file: file, info: info))
                dirtyCounts[name] = store.dirtyCount
            }
        } catch {
            for info in written { FileIO.remove(info.path) }
            throw error
        }
        return PendingSegments(seq: seq, refs: refs, written: written, dirtyCounts: dirtyCounts, started: start, finished: clock.now)
    }

    /// Deletes segments that will not be committed.
    public func discard(_ pending: PendingSegments) {
        for info in pending.written { FileIO.remove(info.path) }
    }

    /// A checkpoint's second half: the manifest naming every live segment (the pending ones included) and
    /// these offsets, written atomically; then the stores are clean. On failure the pending segments are deleted,
    /// unless another checkpoint was committed since they were written (its files have their names).
    public func commit(_ pending: PendingSegments, offsets: SourceOffsets, changelogOffsets: SourceOffsets = [:]) throws -> CheckpointResult {
        let clock = ContinuousClock()
        let written = pending.written
        guard pending.seq == nextSeq else {
            // Another checkpoint committed in between: these files may even have been replaced by its own.
            throw StateError(
                .invalidArgument, "segments written for checkpoint \(pending.seq) but checkpoint \(nextSeq - 1) was committed since: checkpoint again",
                context: ["directory": directory])
        }
        let changed = stores.filter { name, store in store.dirtyCount != (pending.dirtyCounts[name] ?? 0) }.keys.sorted()
        guard changed.isEmpty else {
            discard(pending)
            throw StateError(
                .invalidArgument,
                "stores changed between writing their segments and committing the checkpoint (\(changed.joined(separator: ", "))): checkpoint again",
                context: ["directory": directory])
        }
        let refs = (currentManifest?.segments ?? []) + pending.refs
        var metadata = currentManifest?.stores ?? [:]
        for (name, store) in stores {
            metadata[name] = StoreMetadata(
                codec: store.options.codec.description, encryptionKeyID: store.options.encryptionKeyID,
                liveKeys: store.count, ttlMillis: store.options.ttlMillis)
        }
        let manifest = Manifest(
            formatVersion: 1, seq: pending.seq, createdAtMillis: currentMillis(), operatorName: config.operatorName,
            partition: config.partition, topologyHash: config.topologyHash, segments: refs,
            sourceOffsets: Manifest.raw(offsets), changelogOffsets: Manifest.raw(changelogOffsets), stores: metadata)
        let manifestStart = clock.now
        do {
            try ManifestFile.write(manifest, to: directory)
        } catch {
            discard(pending)
            throw error
        }
        for store in stores.values { store.markClean() }
        currentManifest = manifest
        nextSeq = pending.seq + 1
        let manifestDone = clock.now
        let (manifestsDeleted, segmentsDeleted) = applyRetention()
        return CheckpointResult(
            manifestSeq: pending.seq, manifestPath: FileIO.join(directory, ManifestFile.name(pending.seq)), segments: written,
            entriesWritten: written.reduce(0) { $0 + $1.entries }, tombstonesWritten: written.reduce(0) { $0 + $1.tombstones },
            bytesWritten: written.reduce(0) { $0 + $1.bytes }, rawBytesWritten: written.reduce(0) { $0 + $1.rawBytes },
            segmentWriteDuration: pending.finished - pending.started, manifestWriteDuration: manifestDone - manifestStart,
            totalDuration: (pending.finished - pending.started) + (clock.now - manifestStart),
            manifestsDeleted: manifestsDeleted, segmentsDeleted: segmentsDeleted)
    }

    /// Deletes manifests beyond the newest `retainedManifests` and the segments only they
    /// reference. Segments not named by any manifest (e.g. a compaction output not yet swapped
    /// in) are never touched here.
    func applyRetention() -> (manifests: Int, segments: Int) {
        let all = ManifestFile.list(directory)
        guard all.count > config.retainedManifests else { return (0, 0) }
        var keep = Set<String>()
        for entry in all.prefix(config.retainedManifests) {
            // An unreadable kept manifest might reference anything: then delete no segments.
            guard let m = try? ManifestFile.load(FileIO.join(directory, entry.file)) else {
                keep = Set(FileIO.listDirectory(directory))
                break
            }
            keep.formUnion(m.segments.map(\.file))
        }
        var candidates = Set<String>()
        var manifests = 0
        for entry in all.dropFirst(config.retainedManifests) {
            let path = FileIO.join(directory, entry.file)
            if let m = try? ManifestFile.load(path) { candidates.formUnion(m.segments.map(\.file)) }
            FileIO.remove(path)
            manifests += 1
        }
        let doomed = candidates.subtracting(keep)
        for file in doomed { FileIO.remove(FileIO.join(directory, file)) }
        if manifests > 0 { try? FileIO.syncDirectory(directory) }
        return (manifests, doomed.count)
    }
}
