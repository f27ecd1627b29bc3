/// What a store does when a write would take it past its memory budget.
public enum MemoryBudgetPolicy: String, Sendable, Codable {
    /// The write throws `StateError.memoryBudgetExceeded` and the store is unchanged.
    case fail
    /// Entries with the oldest last-write timestamps are deleted (as if by `delete`: the change
    /// listener sees them and the next checkpoint tombstones them) until the store is at 90 % of
    /// its budget, then the write proceeds. Suits caches and dedupe windows, not aggregates.
    case evictOldest
}

/// An approximate cap on a store's memory, in bytes of keys + values + a fixed per-entry overhead.
public struct MemoryBudget: Sendable, Equatable {
    public var bytes: Int
    public var policy: MemoryBudgetPolicy

    public init(bytes: Int, policy: MemoryBudgetPolicy = .fail) {
        self.bytes = bytes
        self.policy = policy
    }
}

/// Configuration of one state store.
public struct StoreOptions: Sendable {
    /// Keys whose last write is more than `ttlMillis` before `now` are removed by `expire(now:)`.
    /// A store with a TTL keeps each key's last-write timestamp and persists it in segments.
    public var ttlMillis: Int64?
    public var memoryBudget: MemoryBudget?
    /// Codec for this store's segments.
    public var codec: CompressionCodec
    public var compressionLevel: Int32
    /// Id of the key (in the partition's key ring) that encrypts this store's segments; nil = plain.
    public var encryptionKeyID: String?
    /// Target uncompressed size of a segment block.
    public var blockSize: Int

    public init(
        ttlMillis: Int64? = nil, memoryBudget: MemoryBudget? = nil, codec: CompressionCodec = .zstd,
        compressionLevel: Int32 = 1, encryptionKeyID: String? = nil, blockSize: Int = 64 * 1024
    ) {
        self.ttlMillis = ttlMillis
        self.memoryBudget = memoryBudget
        self.codec = codec
        self.compressionLevel = compressionLevel
        self.encryptionKeyID = encryptionKeyID
        self.blockSize = blockSize
    }
}

/// A byte-string key with a fast hash (the bytes fed to the hasher 8 at a time, not one call per byte).
public struct StateKey: Hashable, Sendable, Comparable {
    public let bytes: [UInt8]
    /// The first 8 bytes, big-endian, zero-padded, kept inline: equality and ordering decide most pairs from
    /// it without touching the key's heap buffer, which on a million-key dictionary is a cache miss per probe.
    let orderPrefix: UInt64

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        orderPrefix = bytes.withUnsafeBytes { b in
            if b.count >= 8 { return UInt64(bigEndian: b.loadUnaligned(as: UInt64.self)) }
            var p: UInt64 = 0
            for i in 0..<b.count { p |= UInt64(b[i]) << (56 - 8 * UInt64(i)) }
            return p
        }
    }

    public func hash(into hasher: inout Hasher) {
        // Whole words then the tail: far cheaper than `combine(bytes:)`'s buffered path for the short keys
        // stores hold; the length goes last so keys differing only in trailing zero bytes hash apart.
        bytes.withUnsafeBytes { b in
            var i = 0
            while i + 8 <= b.count {
                hasher.combine(b.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < b.count {
                tail |= UInt64(b[i]) << shift
                shift += 8
                i += 1
            }
            hasher.combine(tail)
            hasher.combine(b.count)
        }
    }

    public static func == (a: StateKey, b: StateKey) -> Bool {
        a.orderPrefix == b.orderPrefix && a.bytes.count == b.bytes.count && (a.bytes.count <= 8 || compareBytes(a.bytes, b.bytes) == 0)
    }

    /// Zero padding keeps prefix order consistent with byte order; equal prefixes fall back to a full comparison.
    public static func < (a: StateKey, b: StateKey) -> Bool {
        a.orderPrefix != b.orderPrefix ? a.orderPrefix < b.orderPrefix : compareBytes(a.bytes, b.bytes) < 0
    }
}
