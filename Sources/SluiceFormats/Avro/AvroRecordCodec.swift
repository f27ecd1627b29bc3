public import SluiceCore

/// Limits that keep hostile Avro input from exhausting the stack or memory.
public struct AvroDecodingLimits: Sendable, Hashable {
    /// Maximum nesting of records, arrays and maps (matters for recursive schemas).
    public var maxDepth: Int
    /// Maximum items in one array or map (bounds zero-byte items such as `null`, which no length limits).
    public var maxCollectionItems: Int

    public init(maxDepth: Int = 64, maxCollectionItems: Int = 1_000_000) {
        self.maxDepth = maxDepth
        self.maxCollectionItems = maxCollectionItems
    }
}

/// Decodes Avro binary records, either bare (one schema) or in the Confluent wire format:
/// magic byte `0`, 4-byte big-endian schema id, then the Avro payload.
///
/// Mapping: record/map → `.object`, array → `.array`, int/long (and logical timestamps, dates) → `.int`,
/// float/double/decimal → `.double`, string/enum symbol → `.string`, bytes/fixed → `.string` of
/// characters U+0000–U+00FF (one per byte, as in Avro's JSON encoding), union → the chosen branch's value.
///
/// ```swift
/// let decoder = AvroRecordDecoder(registry: try SchemaRegistryMap.load(mapping: [7: "payment.avsc"]))
/// ```
public struct AvroRecordDecoder: RecordDecoder {
    public enum Framing: Sendable, Hashable {
        /// Plain Avro binary written with this schema.
        case bare(AvroSchema)
        /// Confluent wire format; the id in each record selects the schema.
        case confluent(SchemaRegistryMap)
    }

    public var framing: Framing
    public var limits: AvroDecodingLimits

    /// Bare Avro with one schema, whose top level must be a record.
    public init(schema: AvroSchema, limits: AvroDecodingLimits = AvroDecodingLimits()) throws(FormatError) {
        guard schema.recordName != nil else { throw FormatError(.invalidSchema, "the top-level Avro type must be a record") }
        framing = .bare(schema)
        self.limits = limits
    }

    /// Confluent wire format with schemas looked up by id.
    public init(registry: SchemaRegistryMap, limits: AvroDecodingLimits = AvroDecodingLimits()) {
        framing = .confluent(registry)
        self.limits = limits
    }

    public func decode(_ bytes: UnsafeRawBufferPointer) throws(RecordError) -> Fields {
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw RecordError(.decode, "empty record") }
        let schema: AvroSchema
        var start = 0
        switch framing {
        case .bare(let s):
            schema = s
        case .confluent(let registry):
            guard bytes.count >= 5 else {
                throw RecordError(.decode, "record of \(bytes.count) bytes is shorter than the 5-byte Confluent header")
            }
            guard bytes[0] == 0 else {
                throw RecordError(.decode, "expected Confluent magic byte 0 at byte 0, found 0x\(ByteText.hex(bytes[0])) "
                    + "(is the producer using the Confluent Avro serializer?)")
            }
            let id = Int32(bitPattern: UInt32(bytes[1]) << 24 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 8 | UInt32(bytes[4]))
            schema = try registry.schema(id: id)
            start = 5
        }
        guard case .record(_, let fields) = schema.nodes[schema.root] else {
            throw RecordError(.internal, "Avro schema root is not a record")
        }
        var reader = AvroBinaryReader(
            base: base, end: bytes.count, schema: schema, maxDepth: limits.maxDepth,
            maxItems: limits.maxCollectionItems, pos: start)
        let result = try reader.readRecord(fields, depth: 1)
        guard reader.pos == bytes.count else {
            throw RecordError(.decode, "\(bytes.count - reader.pos) unexpected byte(s) after the Avro record at byte "
                + "\(reader.pos) (schema mismatch?)")
        }
        return result
    }
}

/// Encodes fields as Avro binary following a record schema, optionally with the Confluent header.
///
/// Missing fields take the schema default, or null when the field's type admits null; otherwise
/// `MISSING_FIELD`. Type errors are `WRONG_TYPE` / `OUT_OF_RANGE` / `NOT_IN_ENUM` with the field path
/// (`payment.amount`). Union branches are chosen as the first branch that accepts the value's type.
public struct AvroRecordEncoder: RecordEncoder {
    public var schema: AvroSchema
    /// When set, each record starts with magic byte 0 and this id (big-endian).
    public var confluentSchemaID: Int32?

    public init(schema: AvroSchema, confluentSchemaID: Int32? = nil) throws(FormatError) {
        guard schema.recordName != nil else { throw FormatError(.invalidSchema, "the top-level Avro type must be a record") }
        self.schema = schema
        self.confluentSchemaID = confluentSchemaID
    }

    public func encode(_ fields: Fields, into buffer: inout [UInt8]) throws(RecordError) {
        if let id = confluentSchemaID {
            buffer.append(0)
            withUnsafeBytes(of: UInt32(bitPattern: id).bigEndian) { buffer.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
        }
        guard case .record(_, let schemaFields) = schema.nodes[schema.root] else { return }
        try AvroBinaryWriter(schema: schema).writeRecord(fields, schemaFields, to: &buffer)
    }
}
