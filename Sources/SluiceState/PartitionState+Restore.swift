/// A manifest that restore could not use, and why.
public struct SkippedManifest: Sendable, Equatable {
    public var file: String
    public var reason: String
}

/// What `restore()` loaded and where the engine should resume.
public struct RestoreResult: Sendable {
    public var manifestSeq: UInt64
    public var manifestPath: String
    /// Seek each source partition to these offsets (they win over the group's committed offsets).
    public var sourceOffsets: SourceOffsets
    /// Resume each store's changelog after these offsets.
    public var changelogOffsets: SourceOffsets
    /// Live keys per restored store.
    public var keysPerStore: [String: Int]
    public var segmentsRead: Int
    /// Segment bytes read from disk.
    public var bytesRead: Int
    /// Uncompressed entry bytes decoded.
    public var rawBytes: Int
    public var duration: Duration
    /// Newer manifests that were unusable (corrupt manifest or segment), newest first.
    public var skippedManifests: [SkippedManifest]
}

extension PartitionState {
    /// Loads the newest manifest whose every segment validates into the registered stores,
    /// falling back to older manifests when a newer one is corrupt. Returns nil when no manifest
    /// is usable: the engine should then rebuild the stores from their changelog topics.
    ///
    /// Throws for a missing or wrong encryption key instead of falling back, since every older
    /// manifest would need the same key and silently dropping state is worse than stopping.
    public func restore() throws -> RestoreResult? {
        let clock = ContinuousClock()
        let start = clock.now
        // Leftover temp files come from interrupted writes and are never referenced: drop them.
        for name in FileIO.listDirectory(directory) where name.hasSuffix(".tmp") {
            FileIO.remove(FileIO.join(directory, name))
        }
        let manifests = ManifestFile.list(directory)
        nextSeq = max(nextSeq, (manifests.first?.seq ?? 0) + 1)
        var skipped: [SkippedManifest] = []
        for entry in manifests {
            let path = FileIO.join(directory, entry.file)
            do {
                let manifest = try ManifestFile.load(path)
                guard manifest.seq == entry.seq else {
                    throw StateError(.corruptManifest, "manifest seq \(manifest.seq) does not match its file name", path: path)
                }
                var loaded: [String: StoreLoader] = [:]
                var bytes = 0
                var raw = 0
                for name in Set(manifest.segments.map(\.store)) {
                    let refs = manifest.segments(of: name)
                    if stores[name] != nil {
                        loaded[name] = try loadSegments(refs, liveKeys: manifest.stores[name]?.liveKeys, bytes: &bytes, raw: &raw)
                    } else {
                        // Not registered now: still check it so we never pick a half-valid manifest.
                        for ref in refs { try openChecked(ref).verifyChecksums() }
                    }
                }
                for (name, store) in stores {
                    store.replaceContents(loaded.removeValue(forKey: name) ?? StoreLoader(capacity: 0))
                }
                currentManifest = manifest
                return RestoreResult(
                    manifestSeq: manifest.seq, manifestPath: path, sourceOffsets: manifest.typedSourceOffsets,
                    changelogOffsets: manifest.typedChangelogOffsets, keysPerStore: stores.mapValues(\.count),
                    segmentsRead: manifest.segments.count, bytesRead: bytes, rawBytes: raw, duration: clock.now - start,
                    skippedManifests: skipped)
            } catch let error as StateError where [.corruptSegment, .corruptManifest, .notFound].contains(error.code) {
                skipped.append(SkippedManifest(file: entry.file, reason: error.description))
            }
        }
        return nil
    }

    func openChecked(_ ref: SegmentRef, requireKey: Bool = false) throws -> SegmentReader {
        let path = FileIO.join(directory, ref.file)
        let reader = try SegmentReader(path: path, keys: config.keys, requireKey: requireKey)
        guard reader.info.crc == ref.crc else {
            throw StateError.corruptSegment(
                path, region: .footer, reason: "footer CRC \(hex(reader.info.crc)) differs from the manifest's \(hex(ref.crc)) (file replaced?)")
        }
        return reader
    }

    /// Applies a store's segments oldest to newest into a fresh table, validating every block. Room is reserved
    /// first for the live keys the manifest recorded and their share of the segments' bytes (so the arena does
    /// not regrow mid-restore); entries go straight from each decompressed block into the table.
    private func loadSegments(_ refs: [SegmentRef], liveKeys: Int?, bytes: inout Int, raw: inout Int) throws -> StoreLoader {
        let entries = refs.reduce(0) { $0 + $1.entries }
        let rawTotal = refs.reduce(0) { $0 + $1.rawBytes }
        let keys = max(0, min(liveKeys ?? entries, entries))
        var loader = StoreLoader(capacity: keys, bytes: entries > 0 ? Int(Double(rawTotal) * Double(keys) / Double(entries)) : 0)
        for ref in refs {
            let reader = try openChecked(ref, requireKey: true)
            for k in reader.blocks.indices { try reader.visitEntries(inBlock: k, &loader) }
            bytes += reader.info.bytes
            raw += reader.info.rawBytes
        }
        return loader
    }
}
