/// Result of `StateInspector.inspect`: structured, with `render()` for people.
public struct StateReport: Sendable, CustomStringConvertible {
    public var root: String
    public var partitions: [PartitionReport]
    public var description: String { render() }

    /// A human-readable, aligned text rendering.
    public func render() -> String {
        guard !partitions.isEmpty else { return "no state partitions under \(root)\n" }
        return partitions.map { $0.render() }.joined(separator: "\n")
    }
}

public struct PartitionReport: Sendable {
    public var operatorName: String
    public var partition: Int32
    public var directory: String
    /// Newest first.
    public var manifests: [ManifestReport]
    public var segments: [SegmentReport]
    /// Per store, as of the newest readable manifest.
    public var stores: [StoreReport]

    public func render() -> String {
        var out = "\(operatorName) / partition \(partition)  (\(directory))\n"
        out += "  manifests:\n"
        for m in manifests {
            if let error = m.error {
                out += "    \(m.file)  UNREADABLE: \(error)\n"
            } else {
                let offsets = m.sourceOffsets.sorted { $0.key < $1.key }.flatMap { topic, parts in
                    parts.sorted { $0.key < $1.key }.map { "\(topic)[\($0.key)]=\($0.value)" }
                }.joined(separator: " ")
                out += "    \(m.file)  seq \(m.seq)  \(m.segmentCount) segments  offsets: \(offsets.isEmpty ? "-" : offsets)\n"
            }
        }
        out += "  stores:\n"
        for s in stores {
            out += "    \(s.name)  \(s.liveKeys) keys  \(s.segmentCount) segments  \(formatBytes(s.bytes)) on disk"
                + "  \(formatBytes(s.rawBytes)) raw  ratio \(formatRatio(s.compressionRatio))  codec \(s.codec)"
                + (s.encryptionKeyID.map { "  encrypted (\($0))" } ?? "") + "\n"
        }
        out += "  segments:\n"
        for s in segments {
            let state = s.live ? "live" : (s.referenced ? "retained" : "orphan")
            if let info = s.info {
                out += "    \(s.file)  \(state)  \(info.entries) entries  \(info.tombstones) tombstones  \(info.blockCount) blocks"
                    + "  \(formatBytes(info.bytes))  ratio \(formatRatio(info.compressionRatio))  \(info.codec)"
                    + (info.keyID.map { "  key \($0)" } ?? "") + "\n"
            } else {
                out += "    \(s.file)  \(state)  UNREADABLE: \(s.error ?? "")\n"
            }
        }
        return out
    }
}

public struct ManifestReport: Sendable {
    public var file: String
    public var seq: UInt64
    public var createdAtMillis: Int64?
    public var segmentCount: Int
    public var sourceOffsets: SourceOffsets
    /// Why the manifest could not be read; nil when it could.
    public var error: String?
}

public struct SegmentReport: Sendable {
    public var file: String
    /// Owning store per the newest manifest (nil for segments it does not list).
    public var store: String?
    /// Header/footer figures; nil when the file could not be opened.
    public var info: SegmentInfo?
    /// Listed by the newest manifest.
    public var live: Bool
    /// Listed by any manifest.
    public var referenced: Bool
    public var error: String?
}

public struct StoreReport: Sendable {
    public var name: String
    public var codec: String
    public var encryptionKeyID: String?
    public var liveKeys: Int
    public var segmentCount: Int
    public var bytes: Int
    public var rawBytes: Int
    public var compressionRatio: Double { bytes > 0 && rawBytes > 0 ? Double(rawBytes) / Double(bytes) : 1 }
}

/// One problem found by `StateInspector.verify`.
public struct StateIssue: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public var severity: Severity
    public var path: String
    public var region: SegmentRegion?
    public var message: String

    public var description: String {
        "\(severity.rawValue): \(path)" + (region.map { " (\($0))" } ?? "") + ": \(message)"
    }

    /// One line per issue, or "OK" when there are none.
    public static func render(_ issues: [StateIssue]) -> String {
        issues.isEmpty ? "OK: every manifest and segment checksum verified\n" : issues.map { $0.description + "\n" }.joined()
    }
}

/// A value found by `StateInspector.get`.
public struct StateLookup: Sendable, Equatable, CustomStringConvertible {
    public var operatorName: String
    public var partition: Int32
    public var store: String
    public var key: [UInt8]
    public var value: [UInt8]
    public var timestamp: Int64?
    public var segment: String
    public var manifestSeq: UInt64

    public var description: String {
        let text = String(validating: value, as: UTF8.self).map { "\"\($0)\"" }
        return "\(operatorName)/p\(partition)/\(store) [\(segment), manifest \(manifestSeq)]: "
            + (text ?? value.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined())
            + " (\(value.count) bytes)"
    }
}

func formatBytes(_ n: Int) -> String {
    if n < 1024 { return "\(n) B" }
    let units = ["KiB", "MiB", "GiB", "TiB"]
    var v = Double(n) / 1024
    var i = 0
    while v >= 1024 && i < units.count - 1 {
        v /= 1024
        i += 1
    }
    return "\((v * 10).rounded() / 10) \(units[i])"
}

func formatRatio(_ r: Double) -> String { "\((r * 100).rounded() / 100)x" }
