#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams sorted entries into a segment file: blocks are encoded, compressed, optionally
/// encrypted and written as they fill; `finish()` writes index and footer, rewrites the header
/// with the final counts, fsyncs, and renames the temp file into place.
///
/// ```swift
/// let w = try SegmentWriter(path: "/state/seg-1.slsg", options: .init(codec: .lz4))
/// try w.append(key: [1], value: [42])
/// try w.appendTombstone(key: [2])
/// let info = try w.finish()
/// ```
public final class SegmentWriter {
    public let path: String
    public let options: SegmentWriterOptions
    private let tempPath: String
    private var fd: Int32
    private var header: SegmentHeader
    private let compressor: BlockCompressor
    private var block: [UInt8] = []
    private var blockEntries: UInt32 = 0
    private var blockFirstKey: [UInt8] = []
    private var compressed: [UInt8] = []
    private var pending: [UInt8] = []
    private var offset: Int
    private var index: [SegmentBlockInfo] = []
    private var lastKey: [UInt8]?
    private var finished = false

    /// Creates `<path>.tmp` and writes a provisional header.
    public init(path: String, options: SegmentWriterOptions = .init(), createdAtMillis: Int64 = currentMillis()) throws {
        self.path = path
        self.options = options
        self.tempPath = path + ".tmp"
        self.compressor = BlockCompressor(codec: options.codec, level: options.compressionLevel)
        self.header = SegmentHeader(
            version: SegmentFormat.version, codec: options.codec, entryCount: 0, tombstoneCount: 0, rawBytes: 0,
            createdAtMillis: createdAtMillis, keyID: options.encryptionKey?.id,
            keyCheck: options.encryptionKey?.checkValue ?? [])
        self.fd = try FileIO.openForWrite(tempPath)
        let encoded = header.encode()
        self.offset = encoded.count
        pending.reserveCapacity(1 << 20)
        pending.append(contentsOf: encoded)
        block.reserveCapacity(options.blockSize + 1024)
    }

    deinit {
        if !finished { abort() }
    }

    /// Appends a live entry. Keys must be strictly increasing (unsigned byte order).
    public func append(key: [UInt8], value: [UInt8], timestamp: Int64? = nil) throws {
        try key.withUnsafeBytes { k in
            try value.withUnsafeBytes { v in try append(key: k, value: v, timestamp: timestamp) }
        }
    }

    /// Appends a tombstone for `key`.
    public func appendTombstone(key: [UInt8], timestamp: Int64? = nil) throws {
        try key.withUnsafeBytes { try append(key: $0, value: nil, timestamp: timestamp) }
    }

    public func append(_ entry: SegmentEntry) throws {
        if let value = entry.value {
            try append(key: entry.key, value: value, timestamp: entry.timestamp)
        } else {
            try appendTombstone(key: entry.key, timestamp: entry.timestamp)
        }
    }

    /// Raw-buffer form used by checkpoints and compaction to avoid copies.
    func append(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?, timestamp: Int64?) throws {
        if let last = lastKey {
            let order = last.withUnsafeBytes { compareBytes($0, key) }
            guard order < 0 else {
                throw StateError(.unsortedKeys, "segment keys must be strictly increasing; got a key out of order", path: path)
            }
            lastKey!.removeAll(keepingCapacity: true)
            lastKey!.append(contentsOf: key)
        } else {
            lastKey = [UInt8](key)
        }
        if blockEntries == 0 { blockFirstKey = [UInt8](key) }
        block.appendVarint(UInt64(key.count))
        block.append(contentsOf: key)
        var flags: UInt8 = value == nil ? SegmentFormat.entryTombstone : 0
        if timestamp != nil { flags |= SegmentFormat.entryHasTimestamp }
        block.append(flags)
        if let timestamp { block.appendVarint(zigzag(timestamp)) }
        if let value {
            block.appendVarint(UInt64(value.count))
            block.append(contentsOf: value)
            header.entryCount += 1
        } else {
            header.tombstoneCount += 1
        }
        blockEntries += 1
        if block.count >= options.blockSize { try flushBlock() }
    }

    private func flushBlock() throws {
        guard blockEntries > 0 else { return }
        let k = index.count
        try block.withUnsafeBytes { try compressor.compress($0, into: &compressed) }
        if let key = options.encryptionKey { compressed = try BlockCipher.seal(compressed, block: k, key: key) }
        let start = pending.count
        pending.appendLE(UInt32(compressed.count))
        pending.appendLE(UInt32(block.count))
        pending.appendLE(blockEntries)
        pending.append(contentsOf: compressed)
        let crc = pending.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        pending.appendLE(crc)
        let length = pending.count - start
        index.append(SegmentBlockInfo(
            offset: UInt64(offset), length: UInt32(length), crc: crc, entryCount: blockEntries, firstKey: blockFirstKey))
        offset += length
        header.rawBytes += UInt64(block.count)
        block.removeAll(keepingCapacity: true)
        blockEntries = 0
        if pending.count >= 1 << 20 { try drain() }
    }

    private func drain() throws {
        try FileIO.writeAll(fd, pending, path: tempPath)
        pending.removeAll(keepingCapacity: true)
    }

    /// Completes the file and makes it visible under `path`. The writer cannot be used afterwards.
    @discardableResult
    public func finish() throws -> SegmentInfo {
        precondition(!finished, "SegmentWriter.finish() called twice")
        do {
            try flushBlock()
            let indexBytes = SegmentIndexCoding.encode(index)
            let footer = SegmentFooter(
                indexOffset: UInt64(offset), indexLength: UInt64(indexBytes.count),
                indexCRC: CRC32C.checksum(indexBytes), blockCount: UInt32(index.count))
            let footerBytes = footer.encode()
            pending.append(contentsOf: indexBytes)
            pending.append(contentsOf: footerBytes)
            try drain()
            try FileIO.pwriteAll(fd, header.encode(), at: 0, path: tempPath)
            try FileIO.sync(fd, path: tempPath)
            close(fd)
            fd = -1
            try FileIO.rename(tempPath, path)
            try FileIO.syncDirectory(FileIO.directoryOf(path))
            finished = true
            let crc = footerBytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 24, as: UInt32.self).littleEndian }
            return SegmentInfo(
                path: path, entries: Int(header.entryCount), tombstones: Int(header.tombstoneCount),
                bytes: offset + indexBytes.count + footerBytes.count, rawBytes: Int(header.rawBytes), crc: crc,
                blockCount: index.count, codec: options.codec, keyID: options.encryptionKey?.id)
        } catch {
            abort()
            throw error
        }
    }

    /// Discards the temp file.
    public func abort() {
        if fd >= 0 { close(fd) }
        fd = -1
        FileIO.remove(tempPath)
        finished = true
    }
}

/// Wall-clock milliseconds since the Unix epoch.
public func currentMillis() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}
