import Foundation
import SluiceCore
import Testing

@testable import SluiceFormats

@Suite("JSON encoder")
struct JSONEncoderTests {
    let encoder = JSONRecordEncoder()

    private func text(_ fields: Fields, _ encoder: JSONRecordEncoder = JSONRecordEncoder()) throws -> String {
        String(decoding: try encoder.encode(fields), as: UTF8.self)
    }

    @Test func writesCompactJSON() throws {
        let fields: Fields = [
            "id": "e1", "n": 42, "neg": -9223372036854775808, "d": 12.5, "whole": 100.0, "big": 1e300, "b": true, "z": nil,
            "a": .array([1, "x", .array([])]), "o": .object(["k": .object([:])]),
        ]
        #expect(try text(fields) == #"{"id":"e1","n":42,"neg":-9223372036854775808,"d":12.5,"whole":100.0,"#
            + #""big":1e+300,"b":true,"z":null,"a":[1,"x",[]],"o":{"k":{}}}"#)
    }

    @Test func escapesStrings() throws {
        let fields: Fields = ["q\"k": .string("a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}é😀/")]
        #expect(try text(fields) == #"{"q\"k":"a\"b\\c\n\r\t\b\f\u0001\u001fé😀/"}"#)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteDoublesAreErrorsNamingTheFieldByDefault(value: Double) throws {
        let fields: Fields = ["outer": .object(["score": .double(value)])]
        #expect(throws: RecordError.self) { try encoder.encode(fields) }
        do { _ = try encoder.encode(fields) } catch {
            #expect(error.code == .encode)
            #expect(error.field == "outer.score")
        }
        #expect(try text(fields, JSONRecordEncoder(nonFinite: .null)) == #"{"outer":{"score":null}}"#)
    }

    @Test(arguments: [
        0.1, 1.0 / 3.0, 123.45, 1e-7, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -0.0, 1e16, 2.5e-300, 9007199254740993.0,
    ])
    func doublesRoundTripExactly(value: Double) throws {
        let decoded = try JSONRecordDecoder().decode(try encoder.encode(["v": .double(value)]))
        guard case .double(let back) = decoded["v"] else {
            Issue.record("not a double: \(String(describing: decoded["v"]))")
            return
        }
        #expect(back.bitPattern == value.bitPattern)
    }

    @Test func decodeEncodeRoundTripPreservesFields() throws {
        let source = #"{"event_id":"e123","user_id":"u42","amount":123.45,"country":"AE","ts":1700000000000,"#
            + #""tags":["a\n",null,false],"geo":{"lat":25.2,"lon":55.27},"note":"\u00e9\"\\"}"#
        let decoded = try JSONRecordDecoder().decode(source)
        let reencoded = try encoder.encode(decoded)
        #expect(try JSONRecordDecoder().decode(reencoded) == decoded)
    }

    @Test func appendsToTheCallersBuffer() throws {
        var buffer = Array("prefix|".utf8)
        try encoder.encode(["a": 1], into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == #"prefix|{"a":1}"#)
    }

    @Test("doubles are written as Swift's shortest round-trip form, fast path or not")
    func doublesMatchDescription() throws {
        var rng = SplitMix64(seed: 42)
        var values: [Double] = [0.001, 0.0009999, 0.35, 0.1 + 0.2, 1e15, 999_999_999_999_999, 1e15 - 0.5, 123456789.123456,
                                -0.0, 5e-324, .greatestFiniteMagnitude, 2.5, -2.5, 100, 0.1, 1 / 3]
        for _ in 0..<20_000 {
            let k = Int.random(in: 0...8, using: &rng)
            let m = Int64.random(in: -10_000_000_000...10_000_000_000, using: &rng)
            values.append(Double(m) / pow(10, Double(k)))
            values.append(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF))  // any finite double
            values.append(Double.random(in: -1000...1000, using: &rng))
        }
        let plain = JSONRecordEncoder()
        for v in values {
            #expect(try text(["x": .double(v)], plain) == "{\"x\":\(v.description)}", "\(v)")
        }
    }

    @Test("numbers, booleans and nulls under remembered names are written as a fresh encoder writes them")
    func reusedNameScalarsMatchFresh() throws {
        var rng = SplitMix64(seed: 7)
        let reusing = JSONRecordEncoder(nonFinite: .null, reusingNames: true)
        let fresh = JSONRecordEncoder(nonFinite: .null)
        let long = String(repeating: "n", count: 80)  // longer than the stack-assembled path takes
        var ints: [Int64] = [0, 9, 10, -1, -9, -10, 99, 100, .max, .min, 1_000_000_007]
        var doubles: [Double] = [0, -0.0, 0.5, -2.25, 1e15, 1e-7, .nan, .infinity, -.infinity, 5e-324, .greatestFiniteMagnitude]
        for _ in 0..<2_000 {
            ints.append(Int64(bitPattern: rng.next()) >> Int64.random(in: 0...63, using: &rng))
            doubles.append(Double(Int64.random(in: -1_000_000...1_000_000, using: &rng)) / 100)
            doubles.append(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF))
            doubles.append(Double.random(in: -1...1, using: &rng))
        }
        for i in 0..<max(ints.count, doubles.count) {
            let fields: Fields = ["i": .int(ints[i % ints.count]), "d": .double(doubles[i % doubles.count]),
                                  "b": .bool(i % 2 == 0), "z": .null, long: .int(ints[i % ints.count])]
            let int = ints[i % ints.count], double = doubles[i % doubles.count]
            let expected = #"{"i":\#(int),"d":\#(double.isFinite ? double.description : "null"),"b":\#(i % 2 == 0),"z":null,"\#(long)":\#(int)}"#
            #expect(try text(fields, reusing) == expected)
            #expect(try text(fields, fresh) == expected)
        }
        #expect(throws: RecordError.self) { try text(["d": .double(.nan)], JSONRecordEncoder(reusingNames: true)) }
    }

    @Test("a long run of scalar members (more than one assembled run holds) is written as a fresh encoder writes it")
    func longScalarRunsMatchFresh() throws {
        let reusing = JSONRecordEncoder(reusingNames: true)
        for record in 0..<3 {
            var fields = Fields()
            for k in 0..<12 {
                let name = String(repeating: Character(UnicodeScalar(UInt8(97 + k))), count: 60)
                fields.append(name, k % 3 == 0 ? .double(Double(record) / 7 + Double(k)) : k % 3 == 1 ? .int(Int64(k * record)) : .bool(k % 2 == 0))
            }
            fields.append("s", .string("after the run"))
            fields.append("t", .double(0.1))
            #expect(try text(fields, reusing) == (try text(fields)))
        }
    }

    @Test("an encoder reusing names writes what a fresh one writes, also when the layout changes")
    func reusedNamesMatchFresh() throws {
        let reusing = JSONRecordEncoder(reusingNames: true)
        let layouts: [Fields] = [
            ["a": 1, "b\"q": "x", "c": 2.5],
            ["a": 2, "b\"q": "y", "c": 3.5],
            ["a": 3, "z": true],
            ["a": 4, "b\"q": "w", "c": 4.5, "d": .object(["a": 1, "e": 2])],
            ["q": 1],
        ]
        for fields in layouts + layouts.reversed() {
            #expect(try text(fields, reusing) == (try text(fields)))
        }
    }
}
