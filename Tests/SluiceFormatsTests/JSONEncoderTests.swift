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
}
