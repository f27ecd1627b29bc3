import SluiceCore
import Testing

@testable import SluiceFormats

/// A JSON sink copies the members of the object a record was decoded from while they are unchanged, and writes
/// only the fields added since; any change to those members makes it write every field.
@Suite("JSON verbatim copy")
struct JSONVerbatimTests {
    private func decode(_ text: String) throws -> (Fields, [UInt8]) {
        let raw = Array(text.utf8)
        return (try JSONRecordDecoder(reusingNames: true).decode(raw), raw)
    }

    private func encode(_ fields: Fields, _ raw: [UInt8]?, _ encoder: JSONRecordEncoder = JSONRecordEncoder(reusingNames: true)) throws -> String {
        var out: [UInt8] = []
        try encoder.encode(fields, decodedFrom: raw, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private func plain(_ fields: Fields) throws -> String {
        String(decoding: try JSONRecordEncoder().encode(fields), as: UTF8.self)
    }

    @Test func unchangedFieldsAreCopiedAndAddedOnesWritten() throws {
        let source = #"{ "id": "e1", "amount": 12.50, "big": 123456789012345678901234, "o": {"k": [1, 2.0]} }"# + "\n"
        var (fields, raw) = try decode(source)
        #expect(try encode(fields, raw) == #"{ "id": "e1", "amount": 12.50, "big": 123456789012345678901234, "o": {"k": [1, 2.0]} }"#)
        fields["score"] = 0.5
        fields["label"] = "x\"y"
        let spliced = try encode(fields, raw)
        #expect(spliced == #"{ "id": "e1", "amount": 12.50, "big": 123456789012345678901234, "o": {"k": [1, 2.0]} ,"score":0.5,"label":"x\"y"}"#)
        // Read back, it is the record the fields describe.
        #expect(try JSONRecordDecoder().decode(spliced) == fields)
    }

    @Test func anyChangeToADecodedFieldWritesEveryField() throws {
        let source = #"{"id":"e1","amount":12.50,"n":3}"#
        let (decoded, raw) = try decode(source)
        var changed = decoded
        changed["amount"] = 13.0
        var removed = decoded
        removed["n"] = nil
        var filtered = decoded
        filtered.removeAll { $0.name == "id" }
        var sameValue = decoded
        sameValue.setValue(3, at: 2)
        for fields in [changed, removed, filtered, sameValue] {
            var added = fields
            added["extra"] = true
            #expect(try encode(added, raw) == (try plain(added)))
        }
        // Removing nothing keeps the copy.
        var kept = decoded
        kept.removeAll { $0.name == "absent" }
        #expect(try encode(kept, raw) == source)
    }

    @Test func fieldsAreOnlyCopiedFromTheBytesTheyCameFrom() throws {
        let (fields, _) = try decode(#"{"id":"e1"}"#)
        // Other bytes (of another length), no bytes, and hand-made fields: written field by field.
        #expect(try encode(fields, Array(#"{"id":"e22"}"#.utf8)) == #"{"id":"e1"}"#)
        #expect(try encode(fields, nil) == #"{"id":"e1"}"#)
        let made: Fields = ["id": "e1"]
        #expect(try encode(made, Array(#"{"id":"zz"}"#.utf8)) == #"{"id":"e1"}"#)
        // Bytes of the same length, even the same bytes, in another buffer: not the source.
        let (decoded, raw) = try decode(#"{"id":"e7"}"#)
        var twin = [UInt8](repeating: 0, count: raw.count)
        twin.replaceSubrange(0..<raw.count, with: Array(#"{"id":"e8"}"#.utf8))
        #expect(try encode(decoded, twin) == #"{"id":"e7"}"#)
        #expect(try encode(decoded, Array(raw) + []) == #"{"id":"e7"}"#)
        #expect(try encode(decoded, raw) == #"{"id":"e7"}"#)
    }

    @Test func duplicateKeysAndEmptyObjectsAreNotCopied() throws {
        let (dup, dupRaw) = try decode(#"{"a":1,"b":2,"a":3}"#)
        #expect(try encode(dup, dupRaw) == #"{"a":3,"b":2}"#)
        var (empty, emptyRaw) = try decode(" {} ")
        #expect(try encode(empty, emptyRaw) == "{}")
        empty["x"] = 1
        #expect(try encode(empty, emptyRaw) == #"{"x":1}"#)
    }

    @Test func encoderRemembersAddedNamesAcrossRecords() throws {
        let encoder = JSONRecordEncoder(reusingNames: true)
        for i in 0..<4 {
            var (fields, raw) = try decode(#"{"id":"e\#(i)"}"#)
            fields["n"] = .int(Int64(i))
            if i == 2 { fields["late"] = "x" }
            #expect(try encode(fields, raw, encoder) == #"{"id":"e\#(i)","n":\#(i)\#(i == 2 ? #","late":"x""# : "")}"#)
        }
        // A record that is not spliced, with the same encoder.
        #expect(try encode(["n": 1, "id": "z"], nil, encoder) == #"{"n":1,"id":"z"}"#)
    }
}
