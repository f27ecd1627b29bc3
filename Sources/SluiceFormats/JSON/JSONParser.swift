import SluiceCore
#if canImport(Glibc)
import Glibc
#endif

/// A single-pass RFC 8259 parser over borrowed bytes: the engine behind `JSONRecordDecoder`
/// and the Avro schema reader. It never recurses deeper than `maxDepth`, so hostile nesting fails
/// fast with an error instead of overflowing the stack.
struct JSONParser {
    let base: UnsafeRawPointer
    let end: Int
    let maxDepth: Int
    let expectedFields: Int
    /// Top-level keys remembered from earlier records (see `JSONRecordDecoder.Options.reusingNames`).
    let names: NameLayout?
    var pos = 0

    init(base: UnsafeRawPointer, count: Int, maxDepth: Int, expectedFields: Int = 16, names: NameLayout? = nil) {
        self.base = base
        self.end = count
        self.maxDepth = maxDepth
        self.expectedFields = expectedFields
        self.names = names
    }

    /// The byte at `i`, or 0 past the end (0 is invalid everywhere in JSON, so loops stop on it).
    @inline(__always) func byte(_ i: Int) -> UInt8 {
        i < end ? base.load(fromByteOffset: i, as: UInt8.self) : 0
    }

    @inline(__always) mutating func skipWhitespace() {
        while true {
            switch byte(pos) {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    /// "expected X at byte N, found Y".
    func failure(_ expected: String, at offset: Int) -> RecordError {
        let found = offset < end ? ByteText.describe(byte(offset)) : "end of input"
        return RecordError(.decode, "expected \(expected) at byte \(offset), found \(found)")
    }

    // MARK: documents

    /// Parses a whole document whose top level must be an object.
    mutating func parseRecord() throws(RecordError) -> Fields {
        try checkNotBlank()
        guard byte(pos) == UInt8(ascii: "{") else {
            throw RecordError(.decode, "expected a JSON object ('{') at byte \(pos), found \(ByteText.describe(byte(pos))); "
                + "a record's top level must be an object")
        }
        let fields = try parseObject(depth: 1)
        try checkFinished()
        return fields
    }

    /// Parses a whole document with any top-level value (used for Avro schemas).
    mutating func parseDocument() throws(RecordError) -> Value {
        try checkNotBlank()
        let value = try parseValue(depth: 0)
        try checkFinished()
        return value
    }

    private mutating func checkNotBlank() throws(RecordError) {
        skipWhitespace()
        if pos >= end {
            throw RecordError(.decode, end == 0 ? "empty record" : "empty record (only whitespace, \(end) bytes)")
        }
    }

    private mutating func checkFinished() throws(RecordError) {
        skipWhitespace()
        if pos < end {
            throw RecordError(.decode, "unexpected \(ByteText.describe(byte(pos))) at byte \(pos) after the end of the "
                + "top-level value (trailing data)")
        }
    }

    // MARK: values

    /// Parses the value at `pos`; `depth` is the nesting depth of the enclosing container.
    mutating func parseValue(depth: Int) throws(RecordError) -> Value {
        switch byte(pos) {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"):
            try checkDepth(depth + 1)
            return .object(try parseObject(depth: depth + 1))
        case UInt8(ascii: "["):
            try checkDepth(depth + 1)
            return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw failure("a value (object, array, string, number, true, false or null)", at: pos)
        }
    }

    @inline(__always) private func checkDepth(_ depth: Int) throws(RecordError) {
        if depth > maxDepth {
            throw RecordError(.decode, "nesting deeper than \(maxDepth) levels at byte \(pos) "
                + "(raise the decoder's maxDepth if this is legitimate)")
        }
    }

    private mutating func parseObject(depth: Int) throws(RecordError) -> Fields {
        pos += 1  // '{'
        var fields = Fields()
        fields.reserveCapacity(depth == 1 ? expectedFields : 4)
        skipWhitespace()
        if byte(pos) == UInt8(ascii: "}") {
            pos += 1
            return fields
        }
        // Duplicate keys: last value wins. A 64-bit summary of (length, first, last byte) of the keys seen
        // lets the common, duplicate-free object skip the linear search entirely.
        var seen: UInt64 = 0
        while true {
            guard byte(pos) == UInt8(ascii: "\"") else { throw failure("a string key", at: pos) }
            let key: String
            if depth == 1, let names {
                key = try names.key(at: fields.count, parsing: &self)
            } else {
                key = try parseString()
            }
            skipWhitespace()
            guard byte(pos) == UInt8(ascii: ":") else { throw failure("':' after the key \"\(key)\"", at: pos) }
            pos += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            let utf8 = key.utf8
            let bit: UInt64 = 1 << ((UInt64(utf8.count) &* 31 &+ UInt64(utf8.first ?? 0) &* 7 &+ UInt64(utf8.last ?? 0)) & 63)
            if seen & bit != 0, let existing = fields.index(of: key) {
                fields.storage[existing].value = value
            } else {
                seen |= bit
                fields.append(key, value)
            }
            skipWhitespace()
            switch byte(pos) {
            case UInt8(ascii: ","):
                pos += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                pos += 1
                return fields
            default:
                throw failure("',' or '}'", at: pos)
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(RecordError) -> [Value] {
        pos += 1  // '['
        var items: [Value] = []
        skipWhitespace()
        if byte(pos) == UInt8(ascii: "]") {
            pos += 1
            return items
        }
        while true {
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            switch byte(pos) {
            case UInt8(ascii: ","):
                pos += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                pos += 1
                return items
            default:
                throw failure("',' or ']'", at: pos)
            }
        }
    }

    private mutating func parseLiteral(_ word: StaticString) throws(RecordError) {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        for k in 0..<n where byte(pos + k) != w[k] {
            throw failure("'\(word)'", at: pos + k)
        }
        pos += n
    }

    private mutating func parseNumber() throws(RecordError) -> Value {
        let start = pos
        let (outcome, next) = NumberScan.scan(base, pos, end, lenient: false)
        pos = next
        switch outcome {
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .syntax(let at, let expected): throw failure(expected, at: at)
        case .tooLarge:
            throw RecordError(.outOfRange, "number at byte \(start) is beyond the range of a 64-bit double "
                + "(\(ByteText.string(base + start, min(next - start, 40))))")
        }
    }
}

extension NameLayout {
    /// The key starting at the parser's position (an opening quote): the String kept for `position` when the
    /// bytes match what was written there last time, else a newly parsed one (remembered if it has no escapes).
    func key(at position: Int, parsing parser: inout JSONParser) throws(RecordError) -> String {
        let open = parser.pos
        if position < count {
            let bytes = written[position]
            let closing = open + 1 + bytes.count
            if closing < parser.end, parser.byte(closing) == UInt8(ascii: "\""),
               bytes.withUnsafeBytes({ memcmp(parser.base + open + 1, $0.baseAddress!, $0.count) == 0 })
            {
                parser.pos = closing + 1
                return names[position]
            }
        }
        let key = try parser.parseString()
        let length = parser.pos - open - 2
        // Without escapes the key is as long as what was written (any escape is longer than what it stands for).
        if length == key.utf8.count, length > 0 {
            remember(key, written: Array(UnsafeRawBufferPointer(start: parser.base + open + 1, count: length)), at: position)
        }
        return key
    }
}
