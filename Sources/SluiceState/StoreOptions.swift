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

/// A byte-string key with a fast hash (one SipHash pass over the bytes, not one call per byte).
public struct StateKey: Hashable, Sendable, Comparable {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func == (a: StateKey, b: StateKey) -> Bool {
        a.bytes.count == b.bytes.count && compareBytes(a.bytes, b.bytes) == 0
    }

    public static func < (a: StateKey, b: StateKey) -> Bool { compareBytes(a.bytes, b.bytes) < 0 }
}
