/// Offline inspection of a state directory (`<root>/<operator>/p<partition>/`), as used by
/// `sluice state inspect|verify|get`. Read-only: never modifies or deletes anything.
public enum StateInspector {
    /// Partition directories under `root`: (operator, partition, path).
    static func partitions(_ root: String) -> [(op: String, partition: Int32, path: String)] {
        var out: [(String, Int32, String)] = []
        for op in FileIO.listDirectory(root) where FileIO.isDirectory(FileIO.join(root, op)) {
            let opDir = FileIO.join(root, op)
            for p in FileIO.listDirectory(opDir) where p.hasPrefix("p") {
                guard let n = Int32(p.dropFirst()), FileIO.isDirectory(FileIO.join(opDir, p)) else { continue }
                out.append((op, n, FileIO.join(opDir, p)))
            }
        }
        return out.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    /// Manifests, segments, sizes, compression ratios and key counts of every partition.
    public static func inspect(dir: String, keys: EncryptionKeyRing = .init()) -> StateReport {
        StateReport(root: dir, partitions: partitions(dir).map { inspectPartition($0.op, $0.partition, $0.path) })
    }

    static func inspectPartition(_ op: String, _ partition: Int32, _ path: String) -> PartitionReport {
        var manifests: [ManifestReport] = []
        var referenced = Set<String>()
        var newest: Manifest?
        for entry in ManifestFile.list(path) {
            do {
                let m = try ManifestFile.load(FileIO.join(path, entry.file))
                if newest == nil { newest = m }
                referenced.formUnion(m.segments.map(\.file))
                manifests.append(ManifestReport(
                    file: entry.file, seq: entry.seq, createdAtMillis: m.createdAtMillis, segmentCount: m.segments.count,
                    sourceOffsets: m.typedSourceOffsets, error: nil))
            } catch {
                manifests.append(ManifestReport(
                    file: entry.file, seq: entry.seq, createdAtMillis: nil, segmentCount: 0, sourceOffsets: [:],
                    error: "\(error)"))
            }
        }
        let live = Set(newest?.segments.map(\.file) ?? [])
        var segments: [SegmentReport] = []
        for file in FileIO.listDirectory(path) where file.hasSuffix(".slsg") {
            let full = FileIO.join(path, file)
            let store = newest?.segments.first { $0.file == file }?.store
            do {
                let r = try SegmentReader(path: full, requireKey: false)
                segments.append(SegmentReport(
                    file: file, store: store, info: r.info, live: live.contains(file), referenced: referenced.contains(file), error: nil))
            } catch {
                segments.append(SegmentReport(
                    file: file, store: store, info: nil, live: live.contains(file), referenced: referenced.contains(file),
                    error: "\(error)"))
            }
        }
        var stores: [StoreReport] = []
        if let newest {
            for (name, meta) in newest.stores.sorted(by: { $0.key < $1.key }) {
                let refs = newest.segments(of: name)
                stores.append(StoreReport(
                    name: name, codec: meta.codec, encryptionKeyID: meta.encryptionKeyID, liveKeys: meta.liveKeys,
                    segmentCount: refs.count, bytes: refs.reduce(0) { $0 + $1.bytes },
                    rawBytes: refs.reduce(0) { $0 + $1.rawBytes }))
            }
        }
        return PartitionReport(
            operatorName: op, partition: partition, directory: path, manifests: manifests, segments: segments, stores: stores)
    }

    /// Checks every manifest and every CRC of every segment (block payloads are also decoded
    /// when the key is available). Returns an empty array when everything is sound.
    public static func verify(dir: String, keys: EncryptionKeyRing = .init()) -> [StateIssue] {
        var issues: [StateIssue] = []
        for (_, _, path) in partitions(dir) {
            var referenced = Set<String>()
            var readable = 0
            for entry in ManifestFile.list(path) {
                let mpath = FileIO.join(path, entry.file)
                guard let m = catching(&issues, path: mpath, { try ManifestFile.load(mpath) }) else { continue }
                readable += 1
                for ref in m.segments where !referenced.contains(ref.file) {
                    referenced.insert(ref.file)
                    let spath = FileIO.join(path, ref.file)
                    _ = catching(&issues, path: spath) { () -> Bool in
                        let r = try SegmentReader(path: spath, keys: keys, requireKey: false)
                        guard r.info.crc == ref.crc else {
                            throw StateError.corruptSegment(spath, region: .footer, reason: "footer CRC differs from manifest \(entry.file)")
                        }
                        try r.verifyChecksums()
                        if r.header.keyID == nil || keys.key(id: r.header.keyID!) != nil {
                            try r.forEachEntry { _, _, _ in }
                        }
                        return true
                    }
                }
            }
            if readable == 0 && !ManifestFile.list(path).isEmpty {
                issues.append(StateIssue(severity: .error, path: path, region: nil, message: "no readable manifest: restore will fall back to the changelog"))
            }
            for file in FileIO.listDirectory(path) {
                let full = FileIO.join(path, file)
                if file.hasSuffix(".tmp") {
                    issues.append(StateIssue(severity: .warning, path: full, region: nil, message: "leftover temp file from an interrupted write (ignored; removed on restore)"))
                } else if file.hasSuffix(".slsg") && !referenced.contains(file) {
                    issues.append(StateIssue(severity: .warning, path: full, region: nil, message: "segment not referenced by any manifest"))
                }
            }
        }
        return issues
    }

    private static func catching<T>(_ issues: inout [StateIssue], path: String, _ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let e as StateError {
            issues.append(StateIssue(severity: .error, path: e.path ?? path, region: e.region, message: e.description))
        } catch {
            issues.append(StateIssue(severity: .error, path: path, region: nil, message: "\(error)"))
        }
        return nil
    }

    /// Current value of `key` per the newest valid manifest: the newest segment that mentions the
    /// key decides (a tombstone means deleted). Searches every partition of `operator` unless
    /// `partition` is given, and every store unless `store` is given. nil = not found anywhere.
    public static func get(
        dir: String, operator op: String, key: [UInt8], partition: Int32? = nil, store: String? = nil,
        keys: EncryptionKeyRing = .init()
    ) throws -> StateLookup? {
        for (name, p, path) in partitions(dir) where name == op && (partition == nil || partition == p) {
            var lastError: StateError?
            for entry in ManifestFile.list(path) {
                do {
                    let m = try ManifestFile.load(FileIO.join(path, entry.file))
                    let names = Set(m.segments.map(\.store)).filter { store == nil || $0 == store }.sorted()
                    var result: StateLookup?
                    for name in names where result == nil {
                        for ref in m.segments(of: name).reversed() {
                            let reader = try SegmentReader(path: FileIO.join(path, ref.file), keys: keys)
                            guard reader.info.crc == ref.crc else {
                                throw StateError.corruptSegment(reader.path, region: .footer, reason: "footer CRC differs from manifest")
                            }
                            guard let hit = try reader.lookup(key) else { continue }
                            if let value = hit.value {
                                result = StateLookup(
                                    operatorName: op, partition: p, store: name, key: key, value: value,
                                    timestamp: hit.timestamp, segment: ref.file, manifestSeq: m.seq)
                            }
                            break
                        }
                    }
                    if let result { return result }
                    lastError = nil
                    break
                } catch let e as StateError where [.corruptSegment, .corruptManifest, .notFound].contains(e.code) {
                    lastError = e
                }
            }
            if let lastError, partition != nil { throw lastError }
        }
        return nil
    }
}
