public import SluiceCore

/// Turns the raw bytes of one Kafka record value (or one CSV line) into fields.
///
/// Decoders are immutable and `Sendable`: one instance is shared by every partition task.
/// They read straight from the consumer's buffer, so no copy of the input is made.
///
/// ```swift
/// let decoder = JSONRecordDecoder()
/// let fields = try bytes.withUnsafeBytes { try decoder.decode($0) }
/// ```
public protocol RecordDecoder: Sendable {
    /// Decodes one record; every failure is a `RecordError` that names the byte offset or field at fault.
    func decode(_ bytes: UnsafeRawBufferPointer) throws(RecordError) -> Fields
}

/// Turns fields into the bytes of one record, appended to a caller-owned buffer.
///
/// The caller reuses `buffer` across records (`removeAll(keepingCapacity: true)`), so steady-state
/// encoding allocates nothing.
public protocol RecordEncoder: Sendable {
    /// Appends the encoding of `fields` to `buffer`. On error, `buffer` may hold a partial record:
    /// truncate it back to its previous length before reusing it.
    func encode(_ fields: Fields, into buffer: inout [UInt8]) throws(RecordError)

    /// The same, for fields decoded from `raw` (a record's original value): a format may copy what is unchanged.
    func encode(_ fields: Fields, decodedFrom raw: [UInt8]?, into buffer: inout [UInt8]) throws(RecordError)
}

extension RecordDecoder {
    /// Decodes a byte array, from the array's own buffer: JSON fields marked verbatim then name this array as
    /// their source (`Fields.verbatimPrefix(ofJSON:)`), as `SourceDecoder` relies on for `Record.raw`.
    public func decode(_ bytes: [UInt8]) throws(RecordError) -> Fields {
        try withRawBytes(bytes) { (raw) throws(RecordError) in try decode(raw) }
    }

    /// Convenience for tests and tools: decodes the UTF-8 bytes of a string.
    public func decode(_ text: String) throws(RecordError) -> Fields {
        try decode(Array(text.utf8))
    }
}

extension RecordEncoder {
    public func encode(_ fields: Fields, decodedFrom raw: [UInt8]?, into buffer: inout [UInt8]) throws(RecordError) {
        try encode(fields, into: &buffer)
    }

    /// Convenience for tests and tools: encodes into a fresh array.
    public func encode(_ fields: Fields) throws(RecordError) -> [UInt8] {
        var buffer: [UInt8] = []
        try encode(fields, into: &buffer)
        return buffer
    }
}
