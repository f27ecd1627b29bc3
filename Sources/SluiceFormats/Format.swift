import SluiceCore

/// A record format with its options, as a topology's source or sink names it; the factory for codecs.
///
/// ```swift
/// let format = try Format(name: "csv", options: ["columns": .object(["user": "string", "amount": "number"])])
/// let decoder = try format.makeDecoder()
/// ```
public enum Format: Sendable, Hashable {
    case json(JSONFormatOptions)
    case csv(CSVFormatOptions)
    case avro(AvroFormatOptions)

    /// The name used in topology files: `json`, `csv` or `avro`.
    public var name: String {
        switch self {
        case .json: "json"
        case .csv: "csv"
        case .avro: "avro"
        }
    }

    /// The decoder for source records. Avro schema files are read here, once.
    public func makeDecoder() throws(FormatError) -> any RecordDecoder {
        switch self {
        case .json(let o):
            return JSONRecordDecoder(options: .init(maxDepth: o.maxDepth))
        case .csv(let o):
            return CSVRecordDecoder(columns: o.columns, delimiter: o.delimiter)
        case .avro(let o):
            let limits = AvroDecodingLimits(maxDepth: o.maxDepth, maxCollectionItems: o.maxCollectionItems)
            if let path = o.schema {
                return try AvroRecordDecoder(schema: try o.loadSchema(path), limits: limits)
            }
            let registry = try SchemaRegistryMap.load(mapping: o.schemas, relativeTo: o.baseDirectory)
            return AvroRecordDecoder(registry: registry, limits: limits)
        }
    }

    /// The encoder for sink records.
    public func makeEncoder() throws(FormatError) -> any RecordEncoder {
        switch self {
        case .json(let o):
            return JSONRecordEncoder(nonFinite: o.nonFinite)
        case .csv(let o):
            return CSVRecordEncoder(columns: o.columns.map(\.name), delimiter: o.delimiter, terminator: o.terminator)
        case .avro(let o):
            if let path = o.schema {
                return try AvroRecordEncoder(schema: try o.loadSchema(path), confluentSchemaID: o.writeSchemaID)
            }
            guard let id = o.writeSchemaID, let path = o.schemas[id] else {
                throw FormatError(.invalidOption, "an Avro sink needs 'schema' (bare Avro) or 'schema_id' naming one of "
                    + "the ids in 'schemas' (Confluent wire format)")
            }
            return try AvroRecordEncoder(schema: try o.loadSchema(path), confluentSchemaID: id)
        }
    }
}

/// Options of the `json` format.
public struct JSONFormatOptions: Sendable, Hashable {
    /// `max_depth`: nesting limit of objects and arrays (default 64).
    public var maxDepth: Int
    /// `non_finite`: `error` (default) or `null` for NaN/±Infinity when encoding.
    public var nonFinite: JSONRecordEncoder.NonFinitePolicy

    public init(maxDepth: Int = 64, nonFinite: JSONRecordEncoder.NonFinitePolicy = .error) {
        self.maxDepth = maxDepth
        self.nonFinite = nonFinite
    }
}

/// Options of the `csv` format.
public struct CSVFormatOptions: Sendable, Hashable {
    /// `columns`: ordered name → type (`string`, `integer`, `number`, `boolean`).
    public var columns: [CSVColumn]
    /// `delimiter`: one ASCII character (default `,`).
    public var delimiter: UInt8
    /// `terminator` (sinks): `none` (default, one record per Kafka message), `lf` or `crlf`.
    public var terminator: CSVRecordEncoder.Terminator

    public init(columns: [CSVColumn], delimiter: UInt8 = UInt8(ascii: ","), terminator: CSVRecordEncoder.Terminator = .none) {
        self.columns = columns
        self.delimiter = delimiter
        self.terminator = terminator
    }
}

/// Options of the `avro` format: either `schemas` (Confluent wire format) or `schema` (bare Avro).
public struct AvroFormatOptions: Sendable, Hashable {
    /// `schemas`: Confluent schema id → `.avsc` path.
    public var schemas: [Int32: String]
    /// `schema`: one `.avsc` path for bare Avro without the Confluent header.
    public var schema: String?
    /// `schema_id` (sinks): the id written in the Confluent header (must be a key of `schemas` unless `schema` is set).
    public var writeSchemaID: Int32?
    /// `max_depth` and `max_collection_items`: see `AvroDecodingLimits`.
    public var maxDepth: Int
    public var maxCollectionItems: Int
    /// Folder that relative schema paths resolve against (the topology file's folder).
    public var baseDirectory: String?

    public init(
        schemas: [Int32: String] = [:], schema: String? = nil, writeSchemaID: Int32? = nil, maxDepth: Int = 64,
        maxCollectionItems: Int = 1_000_000, baseDirectory: String? = nil
    ) {
        self.schemas = schemas
        self.schema = schema
        self.writeSchemaID = writeSchemaID
        self.maxDepth = maxDepth
        self.maxCollectionItems = maxCollectionItems
        self.baseDirectory = baseDirectory
    }

    func loadSchema(_ path: String) throws(FormatError) -> AvroSchema {
        guard let baseDirectory, !path.hasPrefix("/") else { return try AvroSchema.load(path: path) }
        return try AvroSchema.load(path: baseDirectory + "/" + path)
    }
}
