import Foundation

/// What the engine is doing, for the admin API, `/readyz` and the progress line.
public struct EngineStatus: Sendable, Codable {
    public struct PartitionStatus: Sendable, Codable {
        public var task: String
        public var topic: String
        public var partition: Int32
        public var committedOffset: Int64
        public var lag: Int64
        public var restoring: Bool
        public var paused: Bool
        public var watermark: Int64?
    }

    public var topology: String = ""
    public var version: String = ""
    public var state: String = "starting"
    public var restoring: Bool = false
    public var recordsIn: Int = 0
    public var recordsOut: Int = 0
    public var deadLetters: Int = 0
    public var lateRecords: Int = 0
    public var deadLettersByReason: [String: Int] = [:]
    public var recordsOutByOperator: [String: Int] = [:]
    public var partitions: [PartitionStatus] = []
    public var lastCheckpointMillis: Int64?
    public var lastCheckpointDurationMs: Double?
    public var lastCheckpointBytes: Int?
    public var checkpoints: Int = 0
    /// When the first record was consumed and when `run` finished draining (ms since the epoch; benchmarks).
    public var firstRecordMillis: Int64?
    public var finishedMillis: Int64?
    /// Most batches awaiting acknowledgement in one task at any time (backpressure bound).
    public var maxInFlightBatches: Int = 0
    /// How often partitions were paused for backpressure.
    public var backpressurePauses: Int = 0
    public var stateKeys: [String: Int] = [:]
    public var drift: [DriftFeatureStatus] = []
    /// Seconds per processed batch (recent), for the latency histogram.
    public var recentBatchSeconds: [Double] = []

    public struct DriftFeatureStatus: Sendable, Codable {
        public var operatorID: String
        public var feature: String
        public var test: String
        public var statistic: Double
        public var drifted: Bool
    }
}

/// A lock-protected status value: written by the processing thread, read by the HTTP server.
final class EngineStatusBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value = EngineStatus()
    var snapshot: EngineStatus { lock.withLock { value } }
    func update(_ body: (inout EngineStatus) -> Void) { lock.withLock { body(&value) } }
}
