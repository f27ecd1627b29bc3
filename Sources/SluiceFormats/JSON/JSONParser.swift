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
    /// Unowned: the decoder holding it outlives the parse (a reference counted per record is not needed).
    unowned(unsafe) let names: NameLayout?
    /// `SmallASCIIString.isSupported`, read once per record rather than per string.
    let inlineStrings = SmallASCIIString.isSupported
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
            if depth == 1 { fields.markVerbatim(decodedFrom: base, length: end) }
            return fields
        }
        // Duplicate keys: last value wins. A 64-bit summary of (length, first, last byte) of the keys seen
        // lets the common, duplicate-free object skip the linear search entirely.
        var seen: UInt64 = 0
        var duplicates = false
        // The top level's names are checked against the last record's layout, taken once per record.
        let layout = depth == 1 ? names : nil
        var known = layout?.snapshot ?? .empty
        while true {
            guard byte(pos) == UInt8(ascii: "\"") else { throw failure("a string key", at: pos) }
            let open = pos
            let position = fields.count
            let key: String
            if position < known.count, let found = knownKey(known, at: position) {
                key = found
            } else {
                key = try parseString()
                // Without escapes the key is as long as what was written (any escape is longer than what it stands for).
                let length = pos - open - 2
                if let layout, length == key.utf8.count, length > 0 {
                    known = .empty  // a snapshot does not outlive a change of its layout
                    layout.remember(key, written: UnsafeRawBufferPointer(start: base + open + 1, count: length), at: position)
                    known = layout.snapshot
                }
            }
            let bit = keyBit(key, open: open)
            skipWhitespace()
            guard byte(pos) == UInt8(ascii: ":") else { throw failure("':' after the key \"\(key)\"", at: pos) }
            pos += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            if seen & bit != 0, let existing = fields.index(of: key) {
                fields.setValue(value, at: existing)
                duplicates = true
            } else {
                seen |= bit
                fields.append(consume key, value)  // moved in: a copy was a retain and a release of the name per field
            }
            skipWhitespace()
            switch byte(pos) {
            case UInt8(ascii: ","):
                pos += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                pos += 1
                if depth == 1 && !duplicates { fields.markVerbatim(decodedFrom: base, length: end) }
                return fields
            default:
                throw failure("',' or '}'", at: pos)
            }
        }
    }

    /// The key at `pos` (an opening quote) if it is byte for byte the one at `position` of the layout; moves past it.
    @inline(__always) private mutating func knownKey(_ known: NameLayout.Snapshot, at position: Int) -> String? {
        let start = pos + 1
        let closing = start + (position == 0 ? known.ends[0] : known.ends[position] - known.ends[position - 1])
        guard closing < end, byte(closing) == UInt8(ascii: "\""), known.matches(base + start, count: closing - start, at: position)
        else { return nil }
        pos = closing + 1
        return known.names[position]
    }

    /// One bit of the duplicate summary for the key just parsed: its length, first and last byte (read from
    /// the input when the key had no escapes, which is cheaper than from the String).
    @inline(__always) private func keyBit(_ key: String, open: Int) -> UInt64 {
        let length = key.utf8.count
        let first: UInt8, last: UInt8
        if length == 0 {
            (first, last) = (0, 0)
        } else if length == pos - open - 2 {
            (first, last) = (byte(open + 1), byte(pos - 2))
        } else {
            (first, last) = (key.utf8.first!, key.utf8.last!)
        }
        return 1 << ((UInt64(length) &* 31 &+ UInt64(first) &* 7 &+ UInt64(last)) & 63)
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
        if let plain = plainNumber() { return plain }
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

    /// The number at `pos` if it is a plain decimal — `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, no exponent — of at most 15
    /// digits (18 for an integer), which is almost every number a stream carries (amounts, coordinates, epoch
    /// milliseconds); nil leaves it to `NumberScan`, untouched. The same values `NumberScan` gives: integers exactly,
    /// decimals as `mantissa / 10^k`, correctly rounded (Clinger's fast path: both operands exact, one division).
    /// `NumberScan`'s general loop cost ≈ 250 instructions a number under callgrind; this one about a third.
    @inline(__always) private mutating func plainNumber() -> Value? {
        var i = pos
        let negative = byte(i) == UInt8(ascii: "-")
        if negative { i += 1 }
        let intStart = i
        var mantissa: UInt64 = 0
        while true {
            let d = byte(i) &- UInt8(ascii: "0")
            guard d < 10 else { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        let intDigits = i - intStart
        guard intDigits > 0, intDigits <= 18, intDigits == 1 || byte(intStart) != UInt8(ascii: "0") else { return nil }
        guard byte(i) == UInt8(ascii: ".") else {
            guard byte(i) | 0x20 != UInt8(ascii: "e") else { return nil }
            pos = i
            let magnitude = Int64(mantissa)
            return .int(negative ? 0 &- magnitude : magnitude)
        }
        i += 1
        let fracStart = i
        while true {
            let d = byte(i) &- UInt8(ascii: "0")
            guard d < 10 else { break }
            mantissa = mantissa &* 10 &+ UInt64(d)  // wraps past 19 digits, but then the guard below gives up
            i += 1
        }
        let fracDigits = i - fracStart
        // More than 15 digits, an exponent or no digit after '.': the general path.
        guard fracDigits > 0, intDigits + fracDigits <= 15, byte(i) | 0x20 != UInt8(ascii: "e") else { return nil }
        pos = i
        let value = Double(mantissa) / NumberScan.powerOf10(fracDigits)
        return .double(negative ? -value : value)
    }
}
