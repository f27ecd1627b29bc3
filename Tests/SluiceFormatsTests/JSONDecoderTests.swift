import SluiceCore
import Testing

@testable import SluiceFormats

@Suite("JSON decoder")
struct JSONDecoderTests {
    let decoder = JSONRecordDecoder()

    @Test func mapsEveryJSONType() throws {
        let fields = try decoder.decode(
            #"{"s":"x","i":-42,"d":12.5,"t":true,"f":false,"n":null,"a":[1,"two",[]],"o":{"k":{"z":0}}}"#)
        #expect(fields["s"] == "x")
        #expect(fields["i"] == .int(-42))
        #expect(fields["d"] == .double(12.5))
        #expect(fields["t"] == .bool(true))
        #expect(fields["f"] == .bool(false))
        #expect(fields["n"] == .null)
        #expect(fields["a"] == .array([.int(1), .string("two"), .array([])]))
        #expect(fields.value(atPath: "o.k.z") == .int(0))
        #expect(fields.map(\.name) == ["s", "i", "d", "t", "f", "n", "a", "o"])
    }

    @Test(arguments: [
        ("0", Value.int(0)), ("-0", .int(0)), ("9223372036854775807", .int(.max)),
        ("-9223372036854775808", .int(.min)), ("9223372036854775808", .double(9223372036854775808.0)),
        ("123456789012345678901234567890", .double(1.2345678901234568e29)), ("1.0", .double(1.0)),
        ("1e2", .double(100)), ("1E+2", .double(100)), ("2.5e-3", .double(0.0025)),
        ("0.1", .double(0.1)), ("123.45", .double(123.45)), ("1e-400", .double(0)),
        ("2.2250738585072011e-308", .double(Double.leastNormalMagnitude.nextDown)),
        ("9007199254740993", .int(9007199254740993)), ("9007199254740993.0", .double(9007199254740992.0)),
        ("1.7976931348623157e308", .double(.greatestFiniteMagnitude)), ("5e-324", .double(.leastNonzeroMagnitude)),
        ("0.30000000000000004", .double(0.30000000000000004)), ("3.141592653589793238462643", .double(.pi)),
    ])
    func parsesNumbersCorrectlyRounded(text: String, expected: Value) throws {
        #expect(try decoder.decode(#"{"v":\#(text)}"#)["v"] == expected)
    }

    @Test("plain decimals (the short path) read exactly what the standard library reads, digit counts 1–20")
    func plainDecimalsMatchTheStandardLibrary() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            // An integer part (`0`, or no leading zero) and maybe a fraction: 1–20 digits in all.
            let digits = Int.random(in: 1...20, using: &rng)
            let fractionDigits = Bool.random(using: &rng) ? Int.random(in: 0..<digits, using: &rng) : 0
            let integerDigits = digits - fractionDigits
            var text = ""
            if integerDigits == 1 && Bool.random(using: &rng) {
                text = "0"
            } else {
                text = String(Int.random(in: 1...9, using: &rng))
                for _ in 1..<integerDigits { text.append(String(Int.random(in: 0...9, using: &rng))) }
            }
            if fractionDigits > 0 {
                text.append(".")
                for _ in 0..<fractionDigits { text.append(String(Int.random(in: 0...9, using: &rng))) }
            }
            if Bool.random(using: &rng) { text = "-" + text }
            let parsed = try decoder.decode(#"{"v":\#(text)}"#)["v"]
            if !text.contains("."), let exact = Int64(text) {
                #expect(parsed == .int(exact), "\(text)")
            } else {
                #expect(parsed == .double(Double(text)!), "\(text)")
            }
        }
        let negativeZero = try decoder.decode(#"{"v":-0.0}"#)["v"]
        guard case .double(let z)? = negativeZero else { Issue.record("-0.0 is not a double"); return }
        #expect(z == 0 && z.sign == .minus)
    }

    @Test(arguments: ["1e400", "-1e400", "1e99999999999"])
    func rejectsNumbersBeyondDouble(text: String) {
        #expect(throws: RecordError.self) { try decoder.decode(#"{"v":\#(text)}"#) }
        let error = decodeError(#"{"v":\#(text)}"#)
        #expect(error?.code == .outOfRange)
        #expect(error?.message.contains("byte 5") == true)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let fields = try decoder.decode(#"{"e":"a\"b\\c\/d\b\f\n\r\t","u":"\u00e9\u4e2d\ud83d\ude00","z":"\u0000"}"#)
        #expect(fields["e"] == .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
        #expect(fields["u"] == .string("é中😀"))
        #expect(fields["z"] == .string("\u{0}"))
        #expect(try decoder.decode(#"{"k\u0041":"é"}"#)["kA"] == "é")
    }

    @Test func duplicateKeysKeepFirstPositionWithLastValue() throws {
        let fields = try decoder.decode(#"{"a":1,"b":2,"a":3}"#)
        #expect(fields.count == 2)
        #expect(fields.map(\.name) == ["a", "b"])
        #expect(fields["a"] == .int(3))
    }

    @Test(arguments: [
        ("", RecordError.Code.decode, "empty record"),
        ("   \n\t ", .decode, "empty record"),
        ("[1,2]", .decode, "top level must be an object"),
        ("\"x\"", .decode, "top level must be an object"),
        (#"{"a":1} x"#, .decode, "trailing data"),
        (#"{"a":1}{}"#, .decode, "at byte 7"),
        (#"{"a":1 "b":2}"#, .decode, "expected ',' or '}' at byte 7"),
        (#"{"a" 1}"#, .decode, "expected ':' after the key \"a\" at byte 5"),
        (#"{a:1}"#, .decode, "expected a string key at byte 1"),
        (#"{"a":1,}"#, .decode, "expected a string key at byte 7"),
        (#"{"a":[1,]}"#, .decode, "expected a value"),
        (#"{"a":01}"#, .decode, "no leading zeros"),
        (#"{"a":1.}"#, .decode, "a digit after '.'"),
        (#"{"a":-}"#, .decode, "expected a digit at byte 6"),
        (#"{"a":1e}"#, .decode, "a digit in the exponent"),
        (#"{"a":+1}"#, .decode, "expected a value"),
        (#"{"a":tru}"#, .decode, "expected 'true' at byte 8"),
        (#"{"a":NaN}"#, .decode, "expected a value"),
        (#"{"a":"\x"}"#, .decode, "an escape"),
        (#"{"a":"\u12G4"}"#, .decode, "hexadecimal digit"),
        ("{\"a\":\"line\nbreak\"}", .decode, "unescaped control character 0x0A"),
        (#"{"a":"open"#, .decode, "unterminated string starting at byte 5"),
        (#"{"a":"\ud800"}"#, .invalidUTF8, "lone surrogate \\uD800"),
        (#"{"a":"\udc00x"}"#, .invalidUTF8, "lone surrogate \\uDC00"),
        (#"{"a":"\ud800\u0041"}"#, .invalidUTF8, "lone surrogate"),
    ])
    func reportsMalformedInput(text: String, code: RecordError.Code, message: String) {
        let error = decodeError(text)
        #expect(error?.code == code)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test(arguments: [
        ([0xC0, 0xAF], 7),  // overlong '/'
        ([0xE0, 0x80, 0xAF], 7),  // overlong 3-byte
        ([0xED, 0xA0, 0x80], 7),  // UTF-8 encoded surrogate
        ([0xF4, 0x90, 0x80, 0x80], 7),  // above U+10FFFF
        ([0x80], 7),  // stray continuation
        ([0x41, 0xE2, 0x82], 8),  // truncated sequence
        ([0xFF], 7),
    ] as [([UInt8], Int)])
    func rejectsInvalidUTF8WithOffset(bad: [UInt8], offset: Int) {
        let bytes = Array(#"{"k":"a"#.utf8) + bad + Array(#""}"#.utf8)
        let error = decodeError(bytes)
        #expect(error?.code == .invalidUTF8)
        #expect(error?.message.contains("at byte \(offset)") == true, "\(String(describing: error))")
    }

    @Test func acceptsValidMultibyteUTF8() throws {
        #expect(try decoder.decode("{\"k\":\"é中😀\u{10FFFF}\"}")["k"] == .string("é中😀\u{10FFFF}"))
    }

    @Test func rejectsDeepNestingWithoutOverflowingTheStack() {
        let deep = #"{"a":"# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        let error = decodeError(deep)
        #expect(error?.message.contains("nesting deeper than 64 levels at byte 68") == true, "\(String(describing: error))")
        let objects = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(decodeError(objects)?.message.contains("nesting deeper than 64") == true)
    }

    @Test func depthLimitIsConfigurable() throws {
        let three = #"{"a":{"b":[1]}}"#
        #expect(throws: RecordError.self) { try JSONRecordDecoder(options: .init(maxDepth: 2)).decode(three) }
        #expect(try JSONRecordDecoder(options: .init(maxDepth: 3)).decode(three)["a"] != nil)
    }

    @Test func everyTruncationOfAValidRecordIsAnErrorNotACrash() throws {
        let full = Array(#"{"id":"e1","amt":-12.5e1,"ok":true,"n":null,"tags":["a","\u00e9"],"o":{"x":[1,{}]}}"#.utf8)
        _ = try decoder.decode(full)
        for cut in 0..<full.count {
            let error = decodeError(Array(full[..<cut]))
            #expect(error != nil, "prefix of \(cut) bytes decoded")
            #expect(error?.message.contains("byte") == true || error?.message == "empty record")
        }
    }

    @Test func whitespaceAroundTokensIsAccepted() throws {
        let fields = try decoder.decode(" \r\n\t{ \"a\" :\n[ 1 , 2 ] ,\t\"b\" : { } } \n")
        #expect(fields["a"] == .array([1, 2]))
        #expect(fields["b"] == .object(Fields()))
    }

    private func decodeError(_ text: String) -> RecordError? { decodeError(Array(text.utf8)) }

    private func decodeError(_ bytes: [UInt8]) -> RecordError? {
        do {
            _ = try decoder.decode(bytes)
            return nil
        } catch { return error }
    }

    @Test("a decoder reusing names reads what a fresh one reads, as layouts change and keys are escaped")
    func reusedNamesMatchFresh() throws {
        let reusing = JSONRecordDecoder(reusingNames: true)
        let documents = [
            #"{"a":1,"bb":"x","c":2.5}"#, #"{"a":2,"bb":"y","c":3.5}"#, #"{"a":3,"b":true}"#, #"{"a":4,"bbb":1}"#,
            #"{"a\u0041":5,"bb":1}"#, #"{"aA":6,"bb":2}"#, #"{"bb":7,"a":8}"#, #"{"a":1,"a":2}"#, #"{"x":{"a":1,"bb":2}}"#,
            #"{"a":1,"bb"}"#,
        ]
        for document in documents + documents.reversed() {
            let fresh = Result { try JSONRecordDecoder().decode(document) }
            let reused = Result { try reusing.decode(document) }
            switch (fresh, reused) {
            case (.success(let f), .success(let r)): #expect(f == r, "\(document)")
            case (.failure(let f as RecordError), .failure(let r as RecordError)): #expect(f.message == r.message, "\(document)")
            default: Issue.record("\(document): \(fresh) vs \(reused)")
            }
        }
    }
}
