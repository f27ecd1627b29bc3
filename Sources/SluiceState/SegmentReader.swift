/// Reads and validates a segment file. Opening checks footer, header, index and their CRCs;
/// reading a block checks its CRC (against both its trailer and the index) before decrypting
/// and decompressing it. Any failure is `StateError.corruptSegment(path, region:, reason:)`;
/// a missing or wrong key is `.encryptionKeyMissing` / `.encryptionKeyMismatch`, never garbage.
public final class SegmentReader {
    public let path: String
    public let header: SegmentHeader
    public let blocks: [SegmentBlockInfo]
    let footer: SegmentFooter
    private let file: [UInt8]
    private let key: EncryptionKey?
    private let compressor: BlockCompressor

    /// Opens `path`. With `requireKey: false` an encrypted segment opens without its key (for
    /// checksum-only verification); reading its entries then throws `.encryptionKeyMissing`.
    public init(path: String, keys: EncryptionKeyRing = .init(), requireKey: Bool = true) throws {
        self.path = path
        let file = try FileIO.readFile(path)
        self.file = file
        let (header, footer, blocks) = try file.withUnsafeBytes { buf in
            let footer = try SegmentFooter.decode(buf, path: path)
            let header = try SegmentHeader.decode(buf, path: path)
            let blocks = try Self.readIndex(buf, header: header, footer: footer, path: path)
            return (header, footer, blocks)
        }
        self.header = header
        self.footer = footer
        self.blocks = blocks
        self.compressor = BlockCompressor(codec: header.codec, level: 1)
        if let id = header.keyID {
            if let key = keys.key(id: id) {
                guard key.checkValue == header.keyCheck else {
                    throw StateError(
                        .encryptionKeyMismatch,
                        "segment is encrypted with key '\(id)' but the key supplied under that id is a different key",
                        path: path, context: ["key_id": id])
                }
                self.key = key
            } else if requireKey {
                throw Self.missingKey(id, path: path, keys: keys)
            } else {
                self.key = nil
            }
        } else {
            self.key = nil
        }
    }

    private static func missingKey(_ id: String, path: String, keys: EncryptionKeyRing) -> StateError {
        StateError(
            .encryptionKeyMissing,
            "segment is encrypted with key '\(id)', which was not supplied (have: \(keys.ids.isEmpty ? "none" : keys.ids.joined(separator: ", ")))",
            path: path, context: ["key_id": id])
    }

    private static func readIndex(
        _ buf: UnsafeRawBufferPointer, header: SegmentHeader, footer: SegmentFooter, path: String
    ) throws -> [SegmentBlockInfo] {
        let headerEnd = header.encodedSize
        let indexEnd = buf.count - SegmentFormat.footerSize
        guard footer.indexOffset >= UInt64(headerEnd), footer.indexOffset <= UInt64(indexEnd),
            footer.indexOffset + footer.indexLength == UInt64(indexEnd)
        else {
            throw StateError.corruptSegment(
                path, region: .footer, reason: "index location \(footer.indexOffset)+\(footer.indexLength) does not fit a \(buf.count)-byte file")
        }
        let index = UnsafeRawBufferPointer(rebasing: buf[Int(footer.indexOffset)..<indexEnd])
        let crc = CRC32C.checksum(index)
        guard crc == footer.indexCRC else {
            throw StateError.corruptSegment(path, region: .index, reason: "index CRC mismatch (stored \(hex(footer.indexCRC)), computed \(hex(crc)))")
        }
        let blocks = try SegmentIndexCoding.decode(index, path: path)
        guard blocks.count == Int(footer.blockCount) else {
            throw StateError.corruptSegment(path, region: .index, reason: "index lists \(blocks.count) blocks, footer says \(footer.blockCount)")
        }
        var expected = UInt64(headerEnd)
        var total: UInt64 = 0
        for (k, b) in blocks.enumerated() {
            guard b.offset == expected else {
                throw StateError.corruptSegment(path, region: .index, reason: "block \(k) offset \(b.offset), expected \(expected)")
            }
            expected += UInt64(b.length)
            total += UInt64(b.entryCount)
        }
        guard expected == footer.indexOffset else {
            throw StateError.corruptSegment(path, region: .index, reason: "blocks end at \(expected) but the index starts at \(footer.indexOffset)")
        }
        guard total == header.entryCount + header.tombstoneCount else {
            throw StateError.corruptSegment(path, region: .index, reason: "blocks hold \(total) entries, header says \(header.entryCount + header.tombstoneCount)")
        }
        return blocks
    }

    /// Summary figures (as recorded in manifests).
    public var info: SegmentInfo {
        SegmentInfo(
            path: path, entries: Int(header.entryCount), tombstones: Int(header.tombstoneCount), bytes: file.count,
            rawBytes: Int(header.rawBytes), crc: footer.footerCRC, blockCount: blocks.count, codec: header.codec,
            keyID: header.keyID)
    }

    /// Returns the checked on-disk payload of block `k` (still compressed / encrypted).
    private func withCheckedPayload<R>(_ k: Int, _ body: (UnsafeRawBufferPointer, Int, Int) throws -> R) throws -> R {
        let b = blocks[k]
        func bad(_ reason: String) -> StateError { .corruptSegment(path, region: .block(k), reason: reason) }
        return try file.withUnsafeBytes { buf in
            let start = Int(b.offset)
            let end = start + Int(b.length)
            guard Int(b.length) >= SegmentFormat.blockFramingSize + SegmentFormat.blockTrailerSize else {
                throw bad("block length \(b.length) too small")
            }
            let crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: buf[start..<(end - 4)]))
            let trailer = buf.loadUnaligned(fromByteOffset: end - 4, as: UInt32.self).littleEndian
            guard crc == trailer, crc == b.crc else {
                throw bad("block CRC mismatch (stored \(hex(trailer)), index \(hex(b.crc)), computed \(hex(crc)))")
            }
            var c = ByteCursor(buf, position: start)
            let payloadLen = Int(c.readLE(UInt32.self)!)
            let rawLen = Int(c.readLE(UInt32.self)!)
            let entries = Int(c.readLE(UInt32.self)!)
            guard payloadLen == Int(b.length) - SegmentFormat.blockFramingSize - SegmentFormat.blockTrailerSize,
                entries == Int(b.entryCount)
            else { throw bad("block framing disagrees with the index") }
            return try body(UnsafeRawBufferPointer(rebasing: buf[c.position..<(c.position + payloadLen)]), rawLen, entries)
        }
    }

    /// Checks the CRC of every block without decrypting or decompressing (needs no key).
    public func verifyChecksums() throws {
        for k in blocks.indices { try withCheckedPayload(k) { _, _, _ in () } }
    }

    /// The decrypted, decompressed entry bytes of block `k`.
    func plaintext(_ k: Int) throws -> (bytes: [UInt8], entries: Int) {
        try withCheckedPayload(k) { payload, rawLen, entries in
            var compressedPayload = payload
            var decrypted: [UInt8] = []
            if let id = header.keyID {
                guard let key else { throw Self.missingKey(id, path: path, keys: .init()) }
                guard let plain = BlockCipher.open(payload, block: k, key: key) else {
                    throw StateError.corruptSegment(path, region: .block(k), reason: "AES-GCM authentication failed")
                }
                decrypted = plain
            }
            let out: [UInt8]? = decrypted.withUnsafeBytes { d in
                if header.keyID != nil { compressedPayload = d }
                guard compressedPayload.count <= 1 << 30, rawLen <= 1 << 30 else { return nil }
                return compressor.decompress(compressedPayload, rawLength: rawLen)
            }
            guard let out else {
                throw StateError.corruptSegment(path, region: .block(k), reason: "\(header.codec) payload does not decode to \(rawLen) bytes")
            }
            return (out, entries)
        }
    }

    /// Calls `body(key, value-or-nil-for-tombstone, timestamp)` for every entry of block `k`,
    /// in key order. The buffers are valid only during the call.
    public func forEachEntry(
        inBlock k: Int, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer?, Int64?) throws -> Void
    ) throws {
        try withoutActuallyEscaping(body) { body in
            var visitor = ClosureEntryVisitor(body: body)
            try visitEntries(inBlock: k, &visitor)
        }
    }

    /// Decodes block `k` straight from its decompressed buffer into `visitor`, checking framing and key order.
    /// Generic rather than a closure so hot callers (restore) are specialised and inlined per entry.
    func visitEntries<V: SegmentEntryVisitor>(inBlock k: Int, _ visitor: inout V) throws {
        let (bytes, expected) = try plaintext(k)
        func bad(_ reason: String) -> StateError { .corruptSegment(path, region: .block(k), reason: reason) }
        try bytes.withUnsafeBytes { buf in
            // Runs even on a throw, so a batching visitor never keeps views into a buffer that is gone.
            defer { visitor.endOfBlock() }
            var c = ByteCursor(buf)
            var previous: UnsafeRawBufferPointer?
            var n = 0
            while c.remaining > 0 {
                guard let keyLen = c.readVarint(), keyLen <= UInt64(c.remaining), let key = c.readSlice(Int(keyLen)),
                    let flags = c.readByte()
                else { throw bad("truncated entry \(n)") }
                var ts: Int64?
                if flags & SegmentFormat.entryHasTimestamp != 0 {
                    guard let t = c.readVarint() else { throw bad("truncated timestamp in entry \(n)") }
                    ts = unzigzag(t)
                }
                var value: UnsafeRawBufferPointer?
                if flags & SegmentFormat.entryTombstone == 0 {
                    guard let len = c.readVarint(), len <= UInt64(c.remaining), let v = c.readSlice(Int(len)) else {
                        throw bad("truncated value in entry \(n)")
                    }
                    value = v
                }
                if let previous, compareBytes(previous, key) >= 0 { throw bad("keys out of order at entry \(n)") }
                previous = key
                try visitor.visit(key: key, value: value, timestamp: ts)
                n += 1
            }
            guard n == expected else { throw bad("decoded \(n) entries, framing says \(expected)") }
        }
    }

    /// Every entry in every block, validating each block.
    public func forEachEntry(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer?, Int64?) throws -> Void) throws {
        for k in blocks.indices { try forEachEntry(inBlock: k, body) }
    }

    /// Decodes all entries of block `k`.
    public func entries(inBlock k: Int) throws -> [SegmentEntry] {
        var out: [SegmentEntry] = []
        out.reserveCapacity(Int(blocks[k].entryCount))
        try forEachEntry(inBlock: k) { key, value, ts in
            out.append(SegmentEntry(key: [UInt8](key), value: value.map { [UInt8]($0) }, timestamp: ts))
        }
        return out
    }

    /// Decodes every entry of the segment.
    public func allEntries() throws -> [SegmentEntry] {
        try blocks.indices.flatMap { try entries(inBlock: $0) }
    }

    /// Point lookup through the block index: the entry for `key` (a tombstone has value nil), or
    /// nil when this segment does not mention the key.
    public func lookup(_ key: [UInt8]) throws -> SegmentEntry? {
        // Last block whose first key <= key.
        var lo = 0
        var hi = blocks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if compareBytes(blocks[mid].firstKey, key) <= 0 { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        var found: SegmentEntry?
        try key.withUnsafeBytes { wanted in
            try forEachEntry(inBlock: lo - 1) { k, v, ts in
                if found == nil, compareBytes(k, wanted) == 0 {
                    found = SegmentEntry(key: key, value: v.map { [UInt8]($0) }, timestamp: ts)
                }
            }
        }
        return found
    }
}

/// Receives the entries of a block as views into the decompressed buffer (valid only during the call).
protocol SegmentEntryVisitor {
    mutating func visit(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?, timestamp: Int64?) throws
    /// Called when the block's buffer is about to go away: a visitor that held on to views must finish with them.
    mutating func endOfBlock()
}

extension SegmentEntryVisitor {
    mutating func endOfBlock() {}
}

private struct ClosureEntryVisitor: SegmentEntryVisitor {
    let body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer?, Int64?) throws -> Void
    func visit(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?, timestamp: Int64?) throws {
        try body(key, value, timestamp)
    }
}
