public import SluiceCore

/// One entry of `sinks:` — encode records of a stream and produce them to a topic.
public struct Sink: Sendable, Hashable {
    /// The sink's graph node id: its `id`, or `sink:<topic>`.
    public var id: String
    public var location: SourceLocation
    public var input: StreamRef
    public var topic: String
    public var format: DataFormat
    /// The Kafka key; `nil` = no key (round-robin partitioning).
    public var key: Expression?
    /// Header name → expression (the lineage headers are added by the engine in any case).
    public var headers: [Header]
    public var partitions: Int?
    /// CSV column order; `nil` = field order of each record.
    public var columns: [String]?
    /// Avro schema file (absolute).
    public var schemaFile: String?
    /// A cluster of its own; `nil` = the topology's cluster.
    public var cluster: ClusterConfig?

    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: Expression
    }
}
