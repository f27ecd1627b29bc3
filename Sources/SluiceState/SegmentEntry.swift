/// One entry of a segment: a key and its value, or a tombstone (value nil) recording a delete.
public struct SegmentEntry: Equatable, Sendable {
    public var key: [UInt8]
    /// nil marks a tombstone.
    public var value: [UInt8]?
    /// Last-write timestamp (ms) for stores with a TTL, so expiry survives a restore.
    public var timestamp: Int64?

    public init(key: [UInt8], value: [UInt8]?, timestamp: Int64? = nil) {
        self.key = key
        self.value = value
        self.timestamp = timestamp
    }

    public var isTombstone: Bool { value == nil }
}

/// Options for writing a segment.
public struct SegmentWriterOptions: Sendable {
    public var codec: CompressionCodec
    /// zstd level (1 = fastest; ignored by lz4 and none).
    public var compressionLevel: Int32
    /// Target uncompressed block size; a block is closed once it reaches this size.
    public var blockSize: Int
    /// Encrypts every block with AES-256-GCM under this key when set.
    public var encryptionKey: EncryptionKey?

    public init(
        codec: CompressionCodec = .zstd, compressionLevel: Int32 = 1, blockSize: Int = 64 * 1024,
        encryptionKey: EncryptionKey? = nil
    ) {
        self.codec = codec
        self.compressionLevel = compressionLevel
        self.blockSize = max(1, blockSize)
        self.encryptionKey = encryptionKey
    }
}

/// What a finished segment holds; manifests record these figures.
public struct SegmentInfo: Equatable, Sendable {
    /// Path of the final (renamed) file.
    public var path: String
    public var entries: Int
    public var tombstones: Int
    /// File size on disk.
    public var bytes: Int
    /// Uncompressed size of the encoded entries.
    public var rawBytes: Int
    /// The footer CRC: identifies the file's content in a manifest.
    public var crc: UInt32
    public var blockCount: Int
    public var codec: CompressionCodec
    public var keyID: String?

    /// Uncompressed / on-disk bytes (1.0 for an empty segment).
    public var compressionRatio: Double { bytes > 0 && rawBytes > 0 ? Double(rawBytes) / Double(bytes) : 1 }
}
