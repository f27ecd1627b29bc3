import SluiceCore
import Testing

@testable import SluiceFormats

/// Short ASCII strings built inline must be indistinguishable from the standard library's own.
@Suite("Small ASCII strings")
struct SmallASCIIStringTests {
    @Test func supportedOnThisPlatform() {
        #if _endian(little) && (arch(x86_64) || arch(arm64))
        #expect(SmallASCIIString.isSupported)
        #endif
    }

    @Test func everyLengthMatchesTheStandardLibraryBitForBit() throws {
        var rng = SplitMix64(seed: 7)
        for count in 0...SmallASCIIString.maxCount {
            for _ in 0..<50 {
                let bytes = (0..<count).map { _ in UInt8(0x20 + rng.next() % 95) }
                let reference = String(decoding: bytes, as: UTF8.self)
                let built = try #require(bytes.withUnsafeBytes {
                    SmallASCIIString.make($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, count)
                })
                #expect(unsafeBitCast(built, to: (UInt64, UInt64).self) == unsafeBitCast(reference, to: (UInt64, UInt64).self))
                #expect(built == reference)
                #expect(built.hashValue == reference.hashValue)
                #expect(built.utf8.count == count)
                #expect(Array(built.utf8) == bytes)
                #expect(built + "!" == reference + "!")
            }
        }
        let accented = Array("café".utf8), long = Array("abcdefghijklmnop".utf8)
        #expect(accented.withUnsafeBytes { SmallASCIIString.make($0.baseAddress!, $0.count) } == nil)
        #expect(long.withUnsafeBytes { SmallASCIIString.make($0.baseAddress!, $0.count) } == nil)
    }

    @Test func csvStringsCompareEqualToLiterals() throws {
        let csv = CSVRecordDecoder(columns: [CSVColumn("a", .string), CSVColumn("b", .string), CSVColumn("c", .string)])
        let fields = try csv.decode("AE,café,abcdefghijklmnopq")
        #expect(fields["a"] == "AE" && fields["b"] == "café" && fields["c"] == "abcdefghijklmnopq")
    }

    @Test func decodedStringsOfEveryKindCompareEqualToLiterals() throws {
        let decoder = JSONRecordDecoder(reusingNames: true)
        let text = #"{"empty":"","short":"AE","fifteen":"abcdefghijklmno","sixteen":"abcdefghijklmnop","#
            + #""accent":"café","escaped":"a\"b","nested":{"k":"v"},"list":["x","yz"]}"#
        for _ in 0..<3 {
            let fields = try decoder.decode(text)
            #expect(fields["empty"] == "")
            #expect(fields["short"] == "AE")
            #expect(fields["fifteen"] == "abcdefghijklmno")
            #expect(fields["sixteen"] == "abcdefghijklmnop")
            #expect(fields["accent"] == "café")
            #expect(fields["escaped"] == "a\"b")
            #expect(fields.value(atPath: "nested.k") == "v")
            #expect(fields["list"] == .array(["x", "yz"]))
            #expect(fields.map(\.name) == ["empty", "short", "fifteen", "sixteen", "accent", "escaped", "nested", "list"])
            // Used as dictionary keys (hashing) and mutated (copy-on-write from an inline string).
            let counts = Dictionary(grouping: [fields["short"]!, .string("AE")], by: { $0 })
            #expect(counts.count == 1)
            if case .string(var s) = fields["short"]! {
                s.append("-x")
                #expect(s == "AE-x")
            }
        }
    }
}

@Suite("Field lookup by name")
struct FieldLookupTests {
    @Test func findsInlineLongAndNonASCIINamesWhereverTheyCameFrom() throws {
        let decoder = JSONRecordDecoder(reusingNames: true)
        let text = #"{"id":1,"merchant_category":2,"café":3,"K":4,"a_name_of_exactly_":5,"amount":6}"#
        for _ in 0..<2 {
            let fields = try decoder.decode(text)
            // Names built at run time (not literals), so they are other objects with the same characters.
            let dynamic = ["i" + "d", "merchant" + "_category", "caf" + "é", "K", "a_name_of_" + "exactly_", "amo" + "unt"]
            for (i, name) in dynamic.enumerated() {
                #expect(fields.index(of: name) == i, "\(name)")
                #expect(fields[name] == .int(Int64(i + 1)))
            }
            #expect(fields.index(of: "ID") == nil)
            #expect(fields.index(of: "amoun") == nil)
            #expect(fields.index(of: "merchant_categorY") == nil)
            // Byte-exact: the Kelvin sign is Unicode-equivalent to "K" but another field name.
            #expect(fields.index(of: "\u{212A}") == nil)
            #expect(fields.index(of: "cafe\u{301}") == nil)
        }
        var built = Fields()
        built["x"] = 1
        built["x"] = 2
        built[String(repeating: "y", count: 20)] = 3
        #expect(built.count == 2 && built["x"] == 2 && built[String(repeating: "y", count: 20)] == 3)
    }
}

@Suite("Field lookup with a remembered position")
struct FieldPositionTests {
    @Test func answersAsIndexOfWhateverTheOrderAndSpelling() throws {
        let decoder = JSONRecordDecoder(reusingNames: true)
        let texts = [#"{"id":1,"merchant_category":2,"café":3,"K":4,"a_name_of_exactly_":5,"amount":6}"#,
                     #"{"amount":6,"K":4,"id":1}"#,  // other positions: every remembered guess is wrong
                     #"{"a_name_of_exactly_":5,"café":3,"merchant_category":2}"#]
        let names = ["i" + "d", "merchant" + "_category", "caf" + "é", "K", "a_name_of_" + "exactly_", "amo" + "unt",
                     "ID", "amoun", "merchant_categorY", "\u{212A}", "cafe\u{301}", ""]
        let positions = names.map(FieldPosition.init)
        for round in 0..<3 {
            for text in texts {
                let fields = try decoder.decode(text)
                for (name, position) in zip(names, positions) {
                    #expect(position.index(in: fields) == fields.index(of: name), "\(name) in \(text), round \(round)")
                }
            }
        }
        var built = Fields()
        built[String(repeating: "y", count: 20)] = 3
        built["x"] = 1
        #expect(FieldPosition(String(repeating: "y", count: 19) + "y").index(in: built) == 0)
        #expect(FieldPosition("x").index(in: built) == 1)
        #expect(FieldPosition("x").index(in: Fields()) == nil)
    }
}

/// The string scanner skips eight plain bytes at a time: a special byte at any offset must still be seen.
@Suite("JSON string scanning")
struct JSONStringScanningTests {
    let decoder = JSONRecordDecoder()

    @Test func specialBytesAreFoundAtEveryOffset() throws {
        for length in 0...24 {
            for at in 0..<max(length, 1) {
                let plain = String(repeating: "a", count: length)
                guard length > 0 else {
                    #expect(try decoder.decode(#"{"s":""}"#)["s"] == "")
                    continue
                }
                let prefix = String(plain.prefix(at)), suffix = String(plain.dropFirst(at + 1))
                #expect(try decoder.decode("{\"s\":\"\(plain)\"}")["s"] == .string(plain))
                #expect(try decoder.decode("{\"s\":\"\(prefix)\\\"\(suffix)\"}")["s"] == .string(prefix + "\"" + suffix))
                #expect(try decoder.decode("{\"s\":\"\(prefix)é\(suffix)\"}")["s"] == .string(prefix + "é" + suffix))
                #expect(throws: RecordError.self) { try decoder.decode("{\"s\":\"\(prefix)\u{01}\(suffix)\"}") }
                var invalid = Array("{\"s\":\"\(plain)\"}".utf8)
                invalid[6 + at] = 0xFF
                #expect(throws: RecordError.self) { try invalid.withUnsafeBytes { try decoder.decode($0) } }
                // Unterminated, ending right after plain bytes.
                #expect(throws: RecordError.self) { try decoder.decode("{\"s\":\"\(plain)") }
            }
        }
    }
}

@Suite("Quick string equality")
struct QuickEqualityTests {
    @Test func decidesFromTheWordsOnlyWhereThatIsSound() {
        let supported = SmallASCIIString.isSupported
        let a = "distance_km", b = "tx_count_1m", a2 = "distance" + "_km"
        let long1 = String(repeating: "x", count: 20), long2 = String(repeating: "x", count: 19) + "y"
        #expect(SmallASCIIString.quickEquality(a, a2, supported: supported) == true)
        #expect(SmallASCIIString.quickEquality(a, b, supported: supported) == (supported ? false : nil))
        #expect(SmallASCIIString.quickEquality(long1, long2, supported: supported) == nil)
        #expect(SmallASCIIString.quickEquality("café", "cafe", supported: supported) == nil)
        #expect(SmallASCIIString.quickEquality("K", "\u{212A}", supported: supported) == nil)
        #expect(SmallASCIIString.quickEquality(a, b, supported: false) == nil)
    }
}
