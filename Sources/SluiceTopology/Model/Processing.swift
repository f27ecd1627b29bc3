import Foundation

/// `processing:` — guarantees, checkpoints, time and batching.
public struct ProcessingConfig: Sendable, Hashable {
    public enum Guarantee: String, Sendable, Hashable, CaseIterable {
        case atLeastOnce = "at_least_once", exactlyOnce = "exactly_once"
    }

    public enum Codec: String, Sendable, Hashable, CaseIterable { case zstd, lz4, none }

    public struct Checkpoint: Sendable, Hashable {
        public var intervalMs: Int64
        /// Absolute directory for state segments and manifests.
        public var directory: String
        public var codec: Codec
        /// AES-256-GCM key reference when segments are encrypted.
        public var encryptionKey: SecretRef?
    }

    public enum TimeUnit: String, Sendable, Hashable, CaseIterable { case s, ms, us, iso8601 }

    public struct EventTime: Sendable, Hashable {
        /// The field holding event time; `nil` means the Kafka record timestamp.
        public var field: String?
        public var unit: TimeUnit
        public var maxOutOfOrderMs: Int64
        /// After this long without records a partition stops holding back the watermark; `nil` = never.
        public var idleTimeoutMs: Int64?
    }

    public struct Batch: Sendable, Hashable {
        public var maxRecords: Int
        public var maxWaitMs: Int64
    }

    /// Kafka consumer group id and prefix of internal topics (`<app>-<operator>-repartition`).
    public var applicationID: String
    public var guarantee: Guarantee
    public var checkpoint: Checkpoint
    public var eventTime: EventTime
    public var batch: Batch
    /// Records in flight per task before its partitions are paused.
    public var maxInFlight: Int
    /// `threads: N`: how many threads run partition tasks side by side; `nil` (`auto`, the default) = one per core.
    public var threadsSetting: Int? = nil

    /// The processing threads to use: the setting, or the machine's active cores.
    public var threads: Int { threadsSetting ?? max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
