import Foundation

/// The run state of a topology as the admin API reports it.
public enum TopologyState: String, Codable, Sendable, Hashable, CaseIterable {
    case starting
    case restoring
    case running
    case paused
    case stopping
    case failed
}

/// Progress of one source partition owned by this instance.
public struct PartitionStatus: Codable, Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    /// The last committed offset (next offset to read after a restart), if any.
    public var committedOffset: Int64?
    /// The next offset the consumer will fetch.
    public var position: Int64?
    /// The partition's high watermark as last reported by the broker.
    public var highWatermark: Int64?
    /// `highWatermark - position`, when both are known.
    public var lag: Int64?
    /// `true` while the partition's state stores are being restored.
    public var restoring: Bool
    /// The event-time watermark in milliseconds since the epoch, once events have been seen.
    public var watermarkMs: Int64?

    public init(
        topic: String, partition: Int32, committedOffset: Int64? = nil, position: Int64? = nil,
        highWatermark: Int64? = nil, lag: Int64? = nil, restoring: Bool = false, watermarkMs: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.committedOffset = committedOffset
        self.position = position
        self.highWatermark = highWatermark
        self.lag = lag
        self.restoring = restoring
        self.watermarkMs = watermarkMs
    }
}

/// `GET /api/v1/topology`.
public struct TopologyStatus: Codable, Sendable, Hashable {
    public var name: String
    public var version: String
    public var state: TopologyState
    public var partitions: [PartitionStatus]

    public init(name: String, version: String, state: TopologyState, partitions: [PartitionStatus]) {
        self.name = name
        self.version = version
        self.state = state
        self.partitions = partitions
    }
}

/// How `GET /api/v1/topology/graph?format=` renders the operator graph.
public enum GraphFormat: String, Codable, Sendable, Hashable, CaseIterable {
    case text
    case dot
    case mermaid
}

/// The answer behind `/readyz`.
public struct Readiness: Codable, Sendable, Hashable {
    public var ready: Bool
    /// Why the topology is not ready (for example "restoring 2 of 6 partitions"); shown to operators.
    public var reason: String?

    public init(ready: Bool, reason: String? = nil) {
        self.ready = ready
        self.reason = reason
    }

    public static let ready = Readiness(ready: true)
}

/// One loaded version of a model.
public struct ModelVersionInfo: Codable, Sendable, Hashable {
    public var version: String
    /// The model format (for example `onnx-lite`, `gbdt-json`, `logistic`).
    public var format: String
    /// Where the version was loaded from (a path or URI), if known.
    public var source: String?

    public init(version: String, format: String, source: String? = nil) {
        self.version = version
        self.format = format
        self.source = source
    }
}

/// A model served by the topology and which of its versions is active.
public struct ModelStatus: Codable, Sendable, Hashable {
    public var name: String
    public var activeVersion: String?
    /// The version a rollback returns to, if any.
    public var previousVersion: String?
    public var versions: [ModelVersionInfo]

    public init(name: String, activeVersion: String?, previousVersion: String? = nil, versions: [ModelVersionInfo]) {
        self.name = name
        self.activeVersion = activeVersion
        self.previousVersion = previousVersion
        self.versions = versions
    }
}

/// The outcome of `POST /api/v1/checkpoint`.
public struct CheckpointResult: Codable, Sendable, Hashable {
    /// The checkpoint's sequence number.
    public var id: UInt64
    public var durationSeconds: Double
    public var bytes: Int64
    /// Number of partitions whose state was included.
    public var partitions: Int

    public init(id: UInt64, durationSeconds: Double, bytes: Int64, partitions: Int) {
        self.id = id
        self.durationSeconds = durationSeconds
        self.bytes = bytes
        self.partitions = partitions
    }
}
