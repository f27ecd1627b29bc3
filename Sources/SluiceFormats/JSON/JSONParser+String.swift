import SluiceCore

extension JSONParser {
    /// Parses the string starting at `pos` (an opening quote). The fast path (no escapes) validates
    /// UTF-8 in place and makes one String; escapes switch to a scratch buffer.
    mutating func parseString() throws(RecordError) -> String {
        let open = pos
        pos += 1
        let start = pos
        while true {
            skipPlainBytes()
            let b = byte(pos)
            if b == UInt8(ascii: "\"") {
                let s = ByteText.string(base + start, pos - start, inline: inlineStrings)
                pos += 1
                return s
            }
            if b == UInt8(ascii: "\\") { return try parseEscapedString(open: open, start: start) }
            if b < 0x20 { throw stringFailure(open: open) }
            if b >= 0x80 {
                guard let n = UTF8Check.sequenceLength(base, pos, end) else { throw invalidUTF8(at: pos) }
                pos += n
            } else {
                pos += 1
            }
        }
    }

    /// Skips, eight at a time, bytes that need no attention inside a string: none is '"', '\\', a control
    /// character or above 0x7F. Stops at the first one that does (or where fewer than eight bytes are left).
    @inline(__always) private mutating func skipPlainBytes() {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        while pos + 8 <= end {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: pos, as: UInt64.self))
            // Exact at the lowest flagged byte (borrows only flag bytes above a real hit): that is where we stop.
            let special = zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
                | ((word &- ones &* 0x20) & ~word & highs) | (word & highs)
            if special != 0 {
                pos += special.trailingZeroBitCount >> 3
                return
            }
            pos += 8
        }
    }

    private func stringFailure(open: Int) -> RecordError {
        if pos >= end { return RecordError(.decode, "unterminated string starting at byte \(open): expected '\"' at byte \(pos), found end of input") }
        return RecordError(.decode, "unescaped control character 0x\(ByteText.hex(byte(pos))) in string at byte \(pos); "
            + "control characters must be written as escapes such as \\n or \\u000A")
    }

    private func invalidUTF8(at offset: Int) -> RecordError {
        RecordError(.invalidUTF8, "invalid UTF-8 byte 0x\(ByteText.hex(byte(offset))) at byte \(offset) "
            + "(overlong, surrogate, out-of-range or truncated sequence)")
    }

    /// Slow path: the string holds escapes. Copies what was scanned so far, then decodes escapes.
    private mutating func parseEscapedString(open: Int, start: Int) throws(RecordError) -> String {
        var scratch: [UInt8] = []
        scratch.reserveCapacity(pos - start + 16)
        scratch.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: pos - start))
        while true {
            let b = byte(pos)
            switch b {
            case UInt8(ascii: "\""):
                pos += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &scratch)
            case 0..<0x20:
                throw stringFailure(open: open)
            case 0x80...:
                guard let n = UTF8Check.sequenceLength(base, pos, end) else { throw invalidUTF8(at: pos) }
                scratch.append(contentsOf: UnsafeRawBufferPointer(start: base + pos, count: n))
                pos += n
            default:
                scratch.append(b)
                pos += 1
            }
        }
    }

    private mutating func parseEscape(into scratch: inout [UInt8]) throws(RecordError) {
        let escapeAt = pos
        pos += 1
        let simple: UInt8
        switch byte(pos) {
        case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"):
            pos += 1
            var scalar = try parseHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate; together they form one scalar.
                guard byte(pos) == UInt8(ascii: "\\"), byte(pos + 1) == UInt8(ascii: "u") else {
                    throw loneSurrogate(scalar, at: escapeAt)
                }
                pos += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw loneSurrogate(scalar, at: escapeAt) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw loneSurrogate(scalar, at: escapeAt)
            }
            appendUTF8(scalar, to: &scratch)
            return
        default:
            throw failure("an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)", at: pos)
        }
        scratch.append(simple)
        pos += 1
    }

    private func loneSurrogate(_ unit: UInt32, at offset: Int) -> RecordError {
        let hex = String(unit, radix: 16, uppercase: true)
        return RecordError(.invalidUTF8, "lone surrogate \\u\(hex) at byte \(offset): a \\uD800-\\uDBFF escape must be "
            + "followed by a \\uDC00-\\uDFFF escape, and a low surrogate cannot stand alone")
    }

    private mutating func parseHex4() throws(RecordError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = byte(pos)
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw failure("a hexadecimal digit in a \\u escape", at: pos)
            }
            value = value << 4 | UInt32(digit)
            pos += 1
        }
        return value
    }

    private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
