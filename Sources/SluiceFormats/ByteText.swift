import SluiceCore

/// Small helpers shared by the decoders to describe bytes in error messages and build strings.
enum ByteText {
    /// `'x'` for printable ASCII, `0xNN` otherwise, `end of input` past the end.
    static func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "end of input" }
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "0x" + hex(byte)
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }

    /// Builds a String from bytes already checked to be valid UTF-8 (no second validation failure possible);
    /// short ASCII ones straight into the inline form (`SmallASCIIString`).
    @inline(__always)
    static func string(_ base: UnsafeRawPointer, _ count: Int, inline: Bool = SmallASCIIString.isSupported) -> String {
        if let short = SmallASCIIString.make(base, count, supported: inline) { return short }
        return String(decoding: UnsafeRawBufferPointer(start: base, count: count), as: UTF8.self)
    }

    /// Interprets each byte as the code point U+0000–U+00FF (Avro's JSON mapping of `bytes`).
    static func latin1String(_ base: UnsafeRawPointer, _ count: Int) -> String {
        var extra = 0
        for i in 0..<count where base.load(fromByteOffset: i, as: UInt8.self) >= 0x80 { extra += 1 }
        if extra == 0 { return string(base, count) }
        return String(unsafeUninitializedCapacity: count + extra) { out in
            var o = 0
            for i in 0..<count {
                let b = base.load(fromByteOffset: i, as: UInt8.self)
                if b < 0x80 {
                    out[o] = b
                    o += 1
                } else {
                    out[o] = 0xC0 | (b >> 6)
                    out[o + 1] = 0x80 | (b & 0x3F)
                    o += 2
                }
            }
            return o
        }
    }
}

/// UTF-8 validation that reports where the input went wrong (the standard library only says "invalid").
enum UTF8Check {
    /// Validates one multi-byte sequence starting at `i` (whose lead byte is ≥ 0x80).
    /// Returns the sequence length, or `nil` if it is invalid: overlong forms, surrogates (U+D800–DFFF),
    /// code points above U+10FFFF, stray continuation bytes and truncated sequences are all rejected.
    @inline(__always)
    static func sequenceLength(_ base: UnsafeRawPointer, _ i: Int, _ end: Int) -> Int? {
        let b0 = base.load(fromByteOffset: i, as: UInt8.self)
        @inline(__always) func at(_ k: Int) -> UInt8 {
            i + k < end ? base.load(fromByteOffset: i + k, as: UInt8.self) : 0
        }
        @inline(__always) func cont(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            return cont(at(1)) ? 2 : nil
        case 0xE0:
            return (0xA0...0xBF).contains(at(1)) && cont(at(2)) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return cont(at(1)) && cont(at(2)) ? 3 : nil
        case 0xED:
            return (0x80...0x9F).contains(at(1)) && cont(at(2)) ? 3 : nil
        case 0xF0:
            return (0x90...0xBF).contains(at(1)) && cont(at(2)) && cont(at(3)) ? 4 : nil
        case 0xF1...0xF3:
            return cont(at(1)) && cont(at(2)) && cont(at(3)) ? 4 : nil
        case 0xF4:
            return (0x80...0x8F).contains(at(1)) && cont(at(2)) && cont(at(3)) ? 4 : nil
        default:
            return nil
        }
    }

    /// Offset of the first invalid byte in `base[start..<end]`, or `nil` if the range is valid UTF-8.
    static func firstInvalid(_ base: UnsafeRawPointer, _ start: Int, _ end: Int) -> Int? {
        var i = start
        while i < end {
            if base.load(fromByteOffset: i, as: UInt8.self) < 0x80 {
                i += 1
                continue
            }
            guard let n = sequenceLength(base, i, end) else { return i }
            i += n
        }
        return nil
    }
}

/// `withUnsafeBytes` that keeps the typed error (the standard library's version rethrows `any Error`).
func withRawBytes<T>(
    _ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(RecordError) -> T
) throws(RecordError) -> T {
    let result: Result<T, RecordError> = bytes.withUnsafeBytes { raw in
        do throws(RecordError) { return .success(try body(raw)) } catch { return .failure(error) }
    }
    return try result.get()
}
