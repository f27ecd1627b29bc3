import Foundation

/// Next offset to read, per topic and partition.
public typealias SourceOffsets = [String: [Int32: Int64]]

/// One live segment named by a manifest.
public struct SegmentRef: Codable, Equatable, Sendable {
    public var store: String
    public var file: String
    public var entries: Int
    public var tombstones: Int
    public var bytes: Int
    public var rawBytes: Int
    /// The segment's footer CRC; restore checks the file still matches.
    public var crc: UInt32

    enum CodingKeys: String, CodingKey {
        case store, file, entries, tombstones, bytes, crc
        case rawBytes = "raw_bytes"
    }

    init(store: String, file: String, info: SegmentInfo) {
        self.store = store
        self.file = file
        entries = info.entries
        tombstones = info.tombstones
        bytes = info.bytes
        rawBytes = info.rawBytes
        crc = info.crc
    }
}

/// Per-store metadata in a manifest.
public struct StoreMetadata: Codable, Equatable, Sendable {
    public var codec: String
    public var encryptionKeyID: String?
    /// Live keys when the manifest was written (after applying all its segments).
    public var liveKeys: Int
    public var ttlMillis: Int64?

    enum CodingKeys: String, CodingKey {
        case codec
        case encryptionKeyID = "encryption_key_id"
        case liveKeys = "live_keys"
        case ttlMillis = "ttl_ms"
    }
}

/// `MANIFEST-<seq>.json`: the durable description of one checkpoint of a partition.
public struct Manifest: Codable, Equatable, Sendable {
    public var formatVersion: Int
    public var seq: UInt64
    /// Milliseconds since the Unix epoch.
    public var createdAtMillis: Int64
    public var operatorName: String
    public var partition: Int32
    public var topologyHash: String
    /// Live segments, oldest first; within one store later segments override earlier ones.
    public var segments: [SegmentRef]
    /// topic → partition (as a decimal string, JSON keys being strings) → next offset.
    public var sourceOffsets: [String: [String: Int64]]
    public var changelogOffsets: [String: [String: Int64]]
    public var stores: [String: StoreMetadata]

    enum CodingKeys: String, CodingKey {
        case seq, stores, segments, partition
        case formatVersion = "format_version"
        case createdAtMillis = "created_at_ms"
        case operatorName = "operator"
        case topologyHash = "topology_hash"
        case sourceOffsets = "source_offsets"
        case changelogOffsets = "changelog_offsets"
    }

    public func segments(of store: String) -> [SegmentRef] { segments.filter { $0.store == store } }

    /// Source offsets with integer partitions.
    public var typedSourceOffsets: SourceOffsets { Self.typed(sourceOffsets) }
    public var typedChangelogOffsets: SourceOffsets { Self.typed(changelogOffsets) }

    static func typed(_ raw: [String: [String: Int64]]) -> SourceOffsets {
        raw.mapValues { parts in
            Dictionary(parts.compactMap { k, v in Int32(k).map { ($0, v) } }, uniquingKeysWith: { a, _ in a })
        }
    }

    static func raw(_ typed: SourceOffsets) -> [String: [String: Int64]] {
        typed.mapValues { parts in Dictionary(uniqueKeysWithValues: parts.map { (String($0.key), $0.value) }) }
    }
}

/// Naming, listing, reading and atomic writing of manifest files.
enum ManifestFile {
    static let prefix = "MANIFEST-"
    static let suffix = ".json"

    static func name(_ seq: UInt64) -> String {
        let digits = String(seq)
        return prefix + String(repeating: "0", count: max(0, 10 - digits.count)) + digits + suffix
    }

    /// Manifest files in `dir`, newest first. Temp files and anything else are ignored.
    static func list(_ dir: String) -> [(seq: UInt64, file: String)] {
        FileIO.listDirectory(dir).compactMap { name -> (UInt64, String)? in
            guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return nil }
            let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let seq = UInt64(digits) else { return nil }
            return (seq, name)
        }.sorted { $0.0 > $1.0 }
    }

    static func load(_ path: String) throws -> Manifest {
        let bytes = try FileIO.readFile(path)
        do {
            let m = try JSONDecoder().decode(Manifest.self, from: Data(bytes))
            guard m.formatVersion == 1 else {
                throw StateError(.corruptManifest, "unsupported manifest format version \(m.formatVersion)", path: path)
            }
            return m
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(.corruptManifest, "manifest is not valid JSON of the expected shape: \(error)", path: path)
        }
    }

    static func encode(_ manifest: Manifest) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return [UInt8](try encoder.encode(manifest))
    }

    static func write(_ manifest: Manifest, to dir: String) throws {
        try FileIO.writeAtomically(try encode(manifest), to: FileIO.join(dir, name(manifest.seq)))
    }
}
