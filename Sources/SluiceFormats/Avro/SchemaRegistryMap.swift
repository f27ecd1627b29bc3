import Foundation
public import SluiceCore

/// A fixed map from Confluent schema id to parsed Avro schema, standing in for a schema registry:
/// configured once (id → `.avsc` file) and consulted for every record's 4-byte id.
///
/// ```swift
/// let registry = try SchemaRegistryMap.load(mapping: [1: "schemas/payment-v1.avsc"], relativeTo: "/etc/sluice")
/// ```
public struct SchemaRegistryMap: Sendable, Hashable {
    public private(set) var schemas: [Int32: AvroSchema]

    /// Every schema must be a record (a record becomes the fields of one Sluice record).
    public init(_ schemas: [Int32: AvroSchema]) throws(FormatError) {
        for (id, schema) in schemas where schema.recordName == nil {
            throw FormatError(.invalidSchema, "schema id \(id): the top-level Avro type must be a record")
        }
        self.schemas = schemas
    }

    /// Loads each id's schema file; relative paths resolve against `relativeTo` (e.g. the topology's folder).
    public static func load(mapping: [Int32: String], relativeTo directory: String? = nil) throws(FormatError) -> SchemaRegistryMap {
        var schemas: [Int32: AvroSchema] = [:]
        for (id, path) in mapping {
            let resolved: String
            if let directory, !path.hasPrefix("/") {
                resolved = URL(fileURLWithPath: directory).appendingPathComponent(path).path
            } else {
                resolved = path
            }
            schemas[id] = try AvroSchema.load(path: resolved)
        }
        return try SchemaRegistryMap(schemas)
    }

    /// The schema registered under `id`; an unknown id is a per-record `DECODE` error listing the known ids.
    public func schema(id: Int32) throws(RecordError) -> AvroSchema {
        guard let schema = schemas[id] else {
            let known = schemas.keys.sorted().map(String.init).joined(separator: ", ")
            throw RecordError(.decode, "unknown Avro schema id \(id) in the Confluent header; this format knows ids: "
                + "\(known.isEmpty ? "none" : known) (add the schema to the format's schemas mapping)")
        }
        return schema
    }
}
