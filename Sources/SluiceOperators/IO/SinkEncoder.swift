public import SluiceCore
public import SluiceExpressions
import SluiceFormats
public import SluiceTopology

/// Encodes records for one sink: the value in the sink's format (json, csv, avro), the Kafka key from
/// the sink's `key` expression, and the headers — the sink's `headers` expressions, then the lineage
/// header (`sluice-lineage: <name>@<version>#<hash>`), then the record's `sluice-model-*` headers passed through.
///
/// Key: a string result is its UTF-8 bytes, an integer its decimal text, other values their
/// `to_string` text, null no key. Header expressions render the same way; null gives a header with a
/// null value. Any failure (the format rejects a value, an expression fails) is `ENCODE` naming the
/// field, with the underlying reason in the message.
///
/// ```swift
/// let encoder = try SinkEncoder(sink: sink, topology: topology)
/// var value: [UInt8] = [], key: [UInt8]? = nil
/// let headers = try encoder.encode(record, value: &value, key: &key)
/// ```
public struct SinkEncoder: Sendable {
    public let sinkID: String
    public let topic: String
    let format: DataFormat
    let encoder: any RecordEncoder
    /// CSV without `columns`: each record's own field order.
    let columnsFromRecord: Bool
    let key: CompiledExpression?
    let headerExpressions: [(name: String, expression: CompiledExpression)]
    let lineage: Header

    /// A sink of a compiled topology; lineage headers from its metadata and hash.
    public init(sink: Sink, topology: Topology, avroSchemaID: Int32? = nil) throws(OperatorSetupError) {
        try self.init(sink: sink, topologyName: topology.metadata.name, topologyVersion: topology.metadata.version,
                      topologyHash: topology.topologyHashHex, avroSchemaID: avroSchemaID)
    }

    /// `avroSchemaID` writes the Confluent wire-format header with that id before Avro values.
    public init(sink: Sink, topologyName: String, topologyVersion: String, topologyHash: String? = nil,
                avroSchemaID: Int32? = nil) throws(OperatorSetupError)
    {
        sinkID = sink.id
        topic = sink.topic
        format = sink.format
        let context = "sink '\(sink.topic)'"
        do {
            switch sink.format {
            case .json:
                encoder = JSONRecordEncoder(nonFinite: JSONFormatOptions().nonFinite, reusingNames: true)
                columnsFromRecord = false
            case .csv:
                encoder = CSVRecordEncoder(columns: sink.columns ?? [])
                columnsFromRecord = sink.columns == nil
            case .avro:
                guard let schema = sink.schemaFile else {
                    throw OperatorSetupError(.format, "\(context) writes Avro but has no schema", at: sink.location)
                }
                encoder = try Format.avro(AvroFormatOptions(schema: schema, writeSchemaID: avroSchemaID)).makeEncoder()
                columnsFromRecord = false
            }
        } catch let error as FormatError {
            throw OperatorSetupError(.format, "\(context): \(error.description)", at: sink.location)
        } catch let error as OperatorSetupError {
            throw error
        } catch {
            throw OperatorSetupError(.format, "\(context): \(error)", at: sink.location)
        }
        key = try sink.key.map { (e) throws(OperatorSetupError) in try ExpressionCompilation.compile(e, "key of \(context)") }
        var headers: [(String, CompiledExpression)] = []
        for h in sink.headers {
            headers.append((h.name, try ExpressionCompilation.compile(h.value, "header '\(h.name)' of \(context)")))
        }
        headerExpressions = headers
        lineage = Header(HeaderNames.lineage, HeaderNames.lineageValue(name: topologyName, version: topologyVersion, hash: topologyHash))
    }

    /// Encodes into caller-owned buffers (cleared first, capacity kept); returns the headers to send.
    public func encode(_ record: Record, value: inout [UInt8], key: inout [UInt8]?) throws(RecordError) -> [Header] {
        var headers: [Header] = []
        try encode(record, value: &value, key: &key, headers: &headers, context: EvaluationContext.current())
        return headers
    }

    /// The allocation-free form: `headers` is cleared and refilled; `context` gives `now()` (one per batch).
    public func encode(_ record: Record, value: inout [UInt8], key: inout [UInt8]?, headers: inout [Header],
                       context: EvaluationContext) throws(RecordError)
    {
        value.removeAll(keepingCapacity: true)
        headers.clearKeepingCapacity()  // usually one header (lineage): see `clearKeepingCapacity`
        do {
            if columnsFromRecord {
                try CSVRecordEncoder(columns: record.fields.map(\.name)).encode(record.fields, into: &value)
            } else {
                try encoder.encode(record.fields, decodedFrom: record.raw, into: &value)
            }
        } catch {
            value.removeAll(keepingCapacity: true)
            throw RecordError(.encode, field: error.field, "cannot encode for \(format.rawValue) sink '\(topic)': \(error.message) "
                + "(\(error.code.rawValue))")
        }
        if let expression = self.key {
            switch try evaluate(expression, "key", record, context) {
            case .null: key = nil
            case let v: Self.write(v, into: &key)
            }
        } else {
            key = nil
        }
        for h in headerExpressions {
            var bytes: [UInt8]?
            let v = try evaluate(h.expression, "header '\(h.name)'", record, context)
            if !v.isNull { Self.write(v, into: &bytes) }
            headers.append(Header(name: h.name, value: bytes))
        }
        headers.append(lineage)
        for h in record.headers where h.name.hasPrefix(HeaderNames.modelPrefix) { headers.append(h) }
    }

    private func evaluate(_ e: CompiledExpression, _ what: String, _ record: Record, _ context: EvaluationContext)
        throws(RecordError) -> Value
    {
        do { return try e.evaluate(record, context) } catch {
            throw RecordError(.encode, field: error.field, "\(what) of sink '\(topic)' (\(e.expression.text)): \(error.message) "
                + "(\(error.code.rawValue))")
        }
    }

    /// String → UTF-8, integer → decimal, anything else → its `to_string` text; reuses the buffer.
    static func write(_ v: Value, into buffer: inout [UInt8]?) {
        var bytes = buffer ?? []
        buffer = nil  // so `bytes` is the only reference and is reused in place
        bytes.removeAll(keepingCapacity: true)
        switch v {
        case .string(var s): s.withUTF8 { bytes.append(contentsOf: $0) }  // one copy, not a byte-by-byte append
        default: bytes.append(contentsOf: v.expressionText.utf8)
        }
        buffer = bytes
    }
}
