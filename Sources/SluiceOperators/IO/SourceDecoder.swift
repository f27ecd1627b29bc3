public import SluiceCore
public import SluiceFormats
public import SluiceTopology

/// A Kafka message that could not be decoded: the dead letter to send (empty fields, the original
/// bytes in `raw` whatever `keepRaw` says, key, headers and origin) and why.
public struct SourceDecodeFailure: Error, Sendable {
    public var record: Record
    public var error: RecordError
}

/// Turns Kafka messages of one source into `Record`s with the source's format: JSON; CSV with the
/// source's `columns` (untyped columns are strings) and `delimiter`; Avro, bare with the source's
/// `schema` file or, given a `SchemaRegistryMap`, in the Confluent wire format.
///
/// `keepRaw` (default `true`) keeps a copy of the value bytes in `Record.raw`, so that a record
/// rejected anywhere downstream reaches the dead-letter topic byte for byte as produced. It costs one
/// allocation and copy per record; with `keepRaw: false`, later dead letters carry the fields
/// re-encoded as JSON instead. A record that fails to decode always keeps its bytes.
///
/// ```swift
/// let decoder = try SourceDecoder(source: topology.sources[0])
/// do { batch.append(try decoder.decode(key: k, value: v, headers: [], timestamp: ts, topic: "orders", partition: 0, offset: 42)) }
/// catch { output.deadLetter(error.record, error.error) }
/// ```
public struct SourceDecoder: Sendable {
    public let sourceID: String
    public let decoder: any RecordDecoder
    public let keepRaw: Bool

    /// `registry` maps Confluent schema ids to Avro schemas for `schema_registry` sources (the ids a
    /// registry would serve); without it an Avro source needs a `schema` file and reads bare Avro.
    public init(source: Source, keepRaw: Bool = true, registry: SchemaRegistryMap? = nil) throws(OperatorSetupError) {
        let context = "source '\(source.id)'"
        let decoder: any RecordDecoder
        switch source.format {
        case .json:
            decoder = JSONRecordDecoder(reusingNames: true)  // one SourceDecoder per partition task
        case .csv:
            guard !source.columns.isEmpty else {
                throw OperatorSetupError(.format, "\(context) reads CSV from Kafka but declares no columns; Kafka records carry "
                    + "no header line, so list them: columns: {id: string, amount: number}", at: source.location)
            }
            guard source.csvDelimiter.utf8.count == 1, let delimiter = source.csvDelimiter.utf8.first else {
                throw OperatorSetupError(.format, "\(context): the CSV delimiter must be one ASCII character, found "
                    + "'\(source.csvDelimiter)'", at: source.location)
            }
            let columns = source.columns.map { c in
                SluiceFormats.CSVColumn(c.name, c.type.flatMap { CSVColumnType(rawValue: $0.rawValue) } ?? .string)
            }
            decoder = CSVRecordDecoder(columns: columns, delimiter: delimiter)
        case .avro:
            do throws(FormatError) {
                if let registry {
                    decoder = AvroRecordDecoder(registry: registry)
                } else if let schema = source.schemaFile {
                    decoder = try AvroRecordDecoder(schema: try AvroSchema.load(path: schema))
                } else {
                    throw FormatError(.invalidOption, "Avro in the Confluent wire format needs the schema ids it may meet: "
                        + "pass a SchemaRegistryMap (id → .avsc) for schema_registry '\(source.schemaRegistry?.url ?? "")'")
                }
            } catch {
                throw OperatorSetupError(.format, "\(context): \(error.description)", at: source.location)
            }
        }
        self.init(sourceID: source.id, decoder: decoder, keepRaw: keepRaw)
    }

    public init(sourceID: String, decoder: any RecordDecoder, keepRaw: Bool = true) {
        self.sourceID = sourceID
        self.decoder = decoder
        self.keepRaw = keepRaw
    }

    /// Decodes one message read from the consumer's buffer.
    public func decode(
        key: consuming [UInt8]?, value: UnsafeRawBufferPointer, headers: consuming [Header], timestamp: Int64, topic: String,
        partition: Int32, offset: Int64
    ) throws(SourceDecodeFailure) -> Record {
        let origin = RecordOrigin(topic: topic, partition: partition, offset: offset)
        do {
            let (fields, raw) = try decodeKeepingRaw(value)
            return Record(fields: fields, key: key, headers: headers, timestamp: timestamp, origin: origin, raw: raw)
        } catch {
            let record = Record(key: key, headers: headers, timestamp: timestamp, origin: origin, raw: Array(value))
            throw SourceDecodeFailure(record: record, error: error)
        }
    }

    /// Decodes one message read from the consumer's buffer, for a caller that dead-letters failures itself
    /// (from the message it still holds): the engine's path, with nothing built for the failure.
    public func decodeRecord(
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer, headers: [Header], timestamp: Int64, origin: RecordOrigin
    ) throws(RecordError) -> Record {
        let (fields, raw) = try decodeKeepingRaw(value)
        return Record(fields: fields, key: key.map { Array($0) }, headers: headers, timestamp: timestamp, origin: origin, raw: raw)
    }

    /// As `decodeRecord`, appending the record to `records` (left as it was when decoding fails). Built in its
    /// place in the array: a record returned from a throwing call is copied into the result and then destroyed
    /// (a retain and a release of each of its buffers).
    public func decodeRecord(
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer, headers: [Header], timestamp: Int64, origin: RecordOrigin,
        appendingTo records: inout [Record]
    ) throws(RecordError) {
        records.appendEmptyRecord()
        do {
            try fill(&records[records.count - 1], key: key, value: value, headers: headers, timestamp: timestamp, origin: origin)
        } catch {
            records.removeLast()
            throw error
        }
    }

    /// Sets every part of an empty record, one at a time (a record built whole and then stored was copied).
    private func fill(
        _ record: inout Record, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer, headers: [Header], timestamp: Int64,
        origin: RecordOrigin
    ) throws(RecordError) {
        if let key { record.key = Array(key) }
        record.headers = headers
        record.timestamp = timestamp
        record.origin = origin
        (record.fields, record.raw) = try decodeKeepingRaw(value)
    }

    /// The fields, and the copy of the bytes kept in `Record.raw` when `keepRaw`. The fields are decoded from that
    /// copy, so that a JSON sink recognises it as their source (`Fields.verbatimPrefix(ofJSON:)`).
    private func decodeKeepingRaw(_ value: UnsafeRawBufferPointer) throws(RecordError) -> (Fields, [UInt8]?) {
        guard keepRaw else { return (try decoder.decode(value), nil) }
        let raw = Array(value)
        return (try decoder.decode(raw), raw)  // decodes from the array's own buffer
    }

    /// Decodes one message held in an array.
    public func decode(
        key: [UInt8]?, value: [UInt8], headers: [Header], timestamp: Int64, topic: String, partition: Int32, offset: Int64
    ) throws(SourceDecodeFailure) -> Record {
        let result: Result<Record, SourceDecodeFailure> = value.withUnsafeBytes { raw in
            do throws(SourceDecodeFailure) {
                return .success(try decode(key: key, value: raw, headers: headers, timestamp: timestamp, topic: topic,
                                           partition: partition, offset: offset))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Decodes into a batch: the record is appended to `output.records`, or a dead letter to `output.deadLetters`.
    public func decode(
        key: [UInt8]?, value: UnsafeRawBufferPointer, headers: [Header], timestamp: Int64, topic: String, partition: Int32,
        offset: Int64, into output: inout OperatorOutput
    ) {
        do {
            output.emit(try decode(key: key, value: value, headers: headers, timestamp: timestamp, topic: topic,
                                   partition: partition, offset: offset))
        } catch {
            output.deadLetter(error.record, error.error)
        }
    }
}
