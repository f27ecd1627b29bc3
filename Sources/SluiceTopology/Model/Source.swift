public import SluiceCore

/// The wire formats of sources and sinks.
public enum DataFormat: String, Sendable, Hashable, CaseIterable { case json, csv, avro }

/// One entry of `sources:` — a Kafka topic decoded into records.
public struct Source: Sendable, Hashable {
    public struct CSVColumn: Sendable, Hashable {
        public var name: String
        /// `string`, `number`, `integer`, `boolean`; `nil` = infer.
        public var type: FieldType?
    }

    public struct SchemaRegistry: Sendable, Hashable {
        public var url: String
        public var username: String?
        public var password: SecretRef?
    }

    public var id: String
    public var location: SourceLocation
    public var topic: String
    public var format: DataFormat
    /// The field the topic is keyed (and therefore partitioned) by, if declared.
    public var key: String?
    /// Absolute path of a JSON Schema (json) or Avro schema (avro).
    public var schemaFile: String?
    public var columns: [CSVColumn]
    public var csvHeader: Bool
    public var csvDelimiter: String
    public var partitions: Int?
    public var schemaRegistry: SchemaRegistry?
    /// Overrides `processing.event_time` for this source (e.g. labels stamped by another field).
    public var eventTime: ProcessingConfig.EventTime?
    /// Top-level field names known from `schema` or `columns`; `nil` when the record shape is not declared.
    public var declaredFields: [String]?
}

/// Field types of `validate` rules and CSV columns.
public enum FieldType: String, Sendable, Hashable, CaseIterable {
    case string, number, integer, boolean, object, array
}
