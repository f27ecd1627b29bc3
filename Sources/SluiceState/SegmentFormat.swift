/// Byte layout constants and the fixed-size parts of a segment file.
/// The full layout is documented in docs/state-format.md.
enum SegmentFormat {
    static let magic: [UInt8] = Array("SLSG".utf8)
    static let version: UInt16 = 1
    /// magic 4 | version 2 | codec 1 | flags 1 | entries 8 | tombstones 8 | raw bytes 8 | created 8 | key id len 1
    static let headerFixedSize = 41
    static let footerSize = 32
    /// payload length 4 | raw length 4 | entry count 4, before the payload; CRC 4 after it.
    static let blockFramingSize = 12
    static let blockTrailerSize = 4
    static let keyCheckSize = 8

    static let flagEncrypted: UInt8 = 1 << 0
    static let knownFlags: UInt8 = flagEncrypted

    static let entryTombstone: UInt8 = 1 << 0
    static let entryHasTimestamp: UInt8 = 1 << 1
}

/// The header of a segment: what a reader needs before touching any block.
public struct SegmentHeader: Equatable, Sendable {
    public var version: UInt16
    public var codec: CompressionCodec
    public var entryCount: UInt64
    public var tombstoneCount: UInt64
    /// Total uncompressed block bytes (encoded entries), for compression ratios.
    public var rawBytes: UInt64
    public var createdAtMillis: Int64
    /// Id of the AES-256-GCM key that encrypted the blocks; nil when not encrypted.
    public var keyID: String?
    var keyCheck: [UInt8]

    var encodedSize: Int {
        SegmentFormat.headerFixedSize + (keyID?.utf8.count ?? 0) + (keyID == nil ? 0 : SegmentFormat.keyCheckSize) + 4
    }

    func encode() -> [UInt8] {
        var b: [UInt8] = []
        b.reserveCapacity(encodedSize)
        b.append(contentsOf: SegmentFormat.magic)
        b.appendLE(version)
        b.append(codec.rawValue)
        b.append(keyID == nil ? 0 : SegmentFormat.flagEncrypted)
        b.appendLE(entryCount)
        b.appendLE(tombstoneCount)
        b.appendLE(rawBytes)
        b.appendLE(createdAtMillis)
        let id = Array((keyID ?? "").utf8)
        b.append(UInt8(id.count))
        b.append(contentsOf: id)
        if keyID != nil { b.append(contentsOf: keyCheck) }
        b.appendLE(CRC32C.checksum(b))
        return b
    }

    /// Decodes and checks the header at the start of `file`; throws `corruptSegment(.header)`.
    static func decode(_ file: UnsafeRawBufferPointer, path: String) throws -> SegmentHeader {
        func bad(_ reason: String) -> StateError { .corruptSegment(path, region: .header, reason: reason) }
        var c = ByteCursor(file)
        guard let magic = c.readSlice(4), magic.elementsEqual(SegmentFormat.magic) else {
            throw bad("bad magic (not a Sluice segment file)")
        }
        guard let version = c.readLE(UInt16.self), let codecID = c.readByte(), let flags = c.readByte(),
            let entries = c.readLE(UInt64.self), let tombstones = c.readLE(UInt64.self),
            let raw = c.readLE(UInt64.self), let created = c.readLE(Int64.self), let idLen = c.readByte(),
            let idBytes = c.readSlice(Int(idLen))
        else { throw bad("truncated header") }
        let encrypted = flags & SegmentFormat.flagEncrypted != 0
        var check: [UInt8] = []
        if encrypted {
            guard let k = c.readSlice(SegmentFormat.keyCheckSize) else { throw bad("truncated header") }
            check = [UInt8](k)
        }
        let end = c.position
        guard let crc = c.readLE(UInt32.self) else { throw bad("truncated header") }
        let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: file[0..<end]))
        guard crc == actual else { throw bad("header CRC mismatch (stored \(hex(crc)), computed \(hex(actual)))") }
        guard version == SegmentFormat.version else { throw bad("unsupported format version \(version)") }
        guard flags & ~SegmentFormat.knownFlags == 0 else { throw bad("unknown flags \(flags)") }
        guard let codec = CompressionCodec(rawValue: codecID) else { throw bad("unknown codec id \(codecID)") }
        guard encrypted == (idLen > 0) else { throw bad("encryption flag and key id disagree") }
        return SegmentHeader(
            version: version, codec: codec, entryCount: entries, tombstoneCount: tombstones, rawBytes: raw,
            createdAtMillis: created, keyID: encrypted ? String(decoding: idBytes, as: UTF8.self) : nil,
            keyCheck: check)
    }
}

/// One block index entry: where a block is and the first key it holds.
public struct SegmentBlockInfo: Equatable, Sendable {
    public var offset: UInt64
    /// Bytes on disk including framing and CRC.
    public var length: UInt32
    public var crc: UInt32
    public var entryCount: UInt32
    public var firstKey: [UInt8]
}

/// Fixed 32-byte footer at the end of the file.
struct SegmentFooter: Equatable {
    var indexOffset: UInt64
    var indexLength: UInt64
    var indexCRC: UInt32
    var blockCount: UInt32
    /// CRC of the first 24 footer bytes; also serves as the segment's identity in manifests.
    var footerCRC: UInt32 = 0

    func encode() -> [UInt8] {
        var b: [UInt8] = []
        b.reserveCapacity(SegmentFormat.footerSize)
        b.appendLE(indexOffset)
        b.appendLE(indexLength)
        b.appendLE(indexCRC)
        b.appendLE(blockCount)
        b.appendLE(CRC32C.checksum(b))
        b.append(contentsOf: SegmentFormat.magic)
        return b
    }

    static func decode(_ file: UnsafeRawBufferPointer, path: String) throws -> SegmentFooter {
        func bad(_ reason: String) -> StateError { .corruptSegment(path, region: .footer, reason: reason) }
        guard file.count >= SegmentFormat.footerSize + SegmentFormat.headerFixedSize + 4 else {
            throw bad("file is \(file.count) bytes, too short to hold a header and footer (truncated?)")
        }
        let start = file.count - SegmentFormat.footerSize
        var c = ByteCursor(file, position: start)
        let indexOffset = c.readLE(UInt64.self)!
        let indexLength = c.readLE(UInt64.self)!
        let indexCRC = c.readLE(UInt32.self)!
        let blocks = c.readLE(UInt32.self)!
        let crc = c.readLE(UInt32.self)!
        guard c.readSlice(4)!.elementsEqual(SegmentFormat.magic) else {
            throw bad("bad trailing magic (file truncated or not a segment)")
        }
        let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: file[start..<(start + 24)]))
        guard crc == actual else { throw bad("footer CRC mismatch (stored \(hex(crc)), computed \(hex(actual)))") }
        return SegmentFooter(
            indexOffset: indexOffset, indexLength: indexLength, indexCRC: indexCRC, blockCount: blocks, footerCRC: crc)
    }
}

enum SegmentIndexCoding {
    static func encode(_ blocks: [SegmentBlockInfo]) -> [UInt8] {
        var b: [UInt8] = []
        b.appendLE(UInt32(blocks.count))
        for block in blocks {
            b.appendLE(block.offset)
            b.appendLE(block.length)
            b.appendLE(block.crc)
            b.appendLE(block.entryCount)
            b.appendVarint(UInt64(block.firstKey.count))
            b.append(contentsOf: block.firstKey)
        }
        return b
    }

    static func decode(_ index: UnsafeRawBufferPointer, path: String) throws -> [SegmentBlockInfo] {
        func bad(_ reason: String) -> StateError { .corruptSegment(path, region: .index, reason: reason) }
        var c = ByteCursor(index)
        guard let count = c.readLE(UInt32.self), Int(count) <= index.count / 20 else { throw bad("bad block count") }
        var blocks: [SegmentBlockInfo] = []
        blocks.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let offset = c.readLE(UInt64.self), let length = c.readLE(UInt32.self),
                let crc = c.readLE(UInt32.self), let entries = c.readLE(UInt32.self),
                let keyLen = c.readVarint(), keyLen <= UInt64(c.remaining), let key = c.readSlice(Int(keyLen))
            else { throw bad("truncated index entry \(blocks.count)") }
            blocks.append(SegmentBlockInfo(offset: offset, length: length, crc: crc, entryCount: entries, firstKey: [UInt8](key)))
        }
        guard c.remaining == 0 else { throw bad("\(c.remaining) trailing bytes after index") }
        return blocks
    }
}

func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
}
