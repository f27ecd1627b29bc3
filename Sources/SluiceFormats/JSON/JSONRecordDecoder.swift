public import SluiceCore

/// Decodes one JSON object per record (RFC 8259) into `Fields`.
///
/// Mapping: objects → `.object`, arrays → `.array`, strings → `.string`, `true`/`false` → `.bool`,
/// `null` → `.null`. Numbers without fraction or exponent that fit `Int64` → `.int`; all others
/// (fractions, exponents, integers too large for `Int64`) → `.double`, correctly rounded. A number
/// whose magnitude exceeds `Double` (`1e400`) is rejected with `OUT_OF_RANGE`; tiny ones round to 0.
///
/// Rules a producer may trip on: the top level must be an object; empty or whitespace-only input is
/// "empty record"; anything after the object but whitespace is an error; duplicate keys keep the
/// first key's position with the last value; invalid UTF-8 and lone `\u` surrogates are
/// `INVALID_UTF8`; nesting deeper than `maxDepth` is rejected before it can exhaust the stack.
/// Every error message names the byte offset and what was expected there.
///
/// ```swift
/// let decoder = JSONRecordDecoder()
/// let fields = try decoder.decode(#"{"user_id":"u42","amount":12.5}"#)
/// ```
public struct JSONRecordDecoder: RecordDecoder {
    public struct Options: Sendable, Hashable {
        /// Maximum nesting of objects and arrays; the top-level object counts as 1.
        public var maxDepth: Int
        /// Capacity reserved for the top-level field array (avoids regrowth for typical records).
        public var expectedFieldCount: Int

        public init(maxDepth: Int = 64, expectedFieldCount: Int = 16) {
            self.maxDepth = maxDepth
            self.expectedFieldCount = expectedFieldCount
        }
    }

    public var options: Options
    private let names: NameLayout?

    /// - Parameter reusingNames: remember the top-level keys of the last record and reuse their Strings when
    ///   the next record has the same keys in the same places (records of one stream usually do). The decoder
    ///   then changes as it works: give each thread its own (a source's decoder belongs to one partition task).
    public init(options: Options = Options(), reusingNames: Bool = false) {
        self.options = options
        self.names = reusingNames ? NameLayout() : nil
    }

    public func decode(_ bytes: UnsafeRawBufferPointer) throws(RecordError) -> Fields {
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw RecordError(.decode, "empty record") }
        var parser = JSONParser(
            base: base, count: bytes.count, maxDepth: options.maxDepth, expectedFields: options.expectedFieldCount, names: names)
        return try parser.parseRecord()
    }
}

/// Parses any JSON document (used for schema files and configuration embedded as JSON).
func parseJSONDocument(_ bytes: [UInt8], maxDepth: Int = 256) throws(RecordError) -> Value {
    try withRawBytes(bytes) { (raw) throws(RecordError) in
        guard let base = raw.baseAddress, raw.count > 0 else { throw RecordError(.decode, "empty document") }
        var parser = JSONParser(base: base, count: raw.count, maxDepth: maxDepth)
        return try parser.parseDocument()
    }
}
