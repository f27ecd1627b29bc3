import Foundation
import SluiceCore
import Testing

@testable import SluiceFormats

@Suite("CSV")
struct CSVTests {
    let decoder = CSVRecordDecoder(columns: [
        CSVColumn("user", .string), CSVColumn("age", .integer), CSVColumn("amount", .number), CSVColumn("vip", .boolean),
    ])

    private func error(_ d: CSVRecordDecoder, _ text: String) -> RecordError? {
        do {
            _ = try d.decode(text)
            return nil
        } catch { return error }
    }

    private func decodeError(_ bytes: [UInt8]) -> RecordError? {
        do {
            _ = try decoder.decode(bytes)
            return nil
        } catch { return error }
    }

    @Test func decodesTypedColumns() throws {
        let fields = try decoder.decode("u42, 31 ,12.5,TRUE\r\n")
        #expect(fields == ["user": "u42", "age": 31, "amount": 12.5, "vip": true])
        #expect(try decoder.decode("u,-7,42,no")["amount"] == .double(42))
    }

    @Test func emptyCellsAreNullButQuotedEmptyStringsAreStrings() throws {
        #expect(try decoder.decode(",,,") == ["user": nil, "age": nil, "amount": nil, "vip": nil])
        #expect(try decoder.decode("\"\",\"\",\"\",\"\"") == ["user": "", "age": nil, "amount": nil, "vip": nil])
    }

    @Test(arguments: [
        (#""a,b",1,2,0"#, "a,b"),
        (#""say ""hi""",1,2,0"#, #"say "hi""#),
        ("\"two\nlines\r\nhere\",1,2,0", "two\nlines\r\nhere"),
        (#""""""",1,2,0"#, #""""#),
        (#"a"b,1,2,0"#, #"a"b"#),  // a bare quote inside an unquoted cell is taken literally
        (" padded ,1,2,0", " padded "),  // spaces are part of string cells (RFC 4180)
        ("é中,1,2,0", "é中"),
    ])
    func handlesRFC4180Quoting(line: String, user: String) throws {
        #expect(try decoder.decode(line)["user"] == .string(user))
    }

    @Test(arguments: [
        ("u,abc,1,true", RecordError.Code.wrongType, "age", "expected an integer at byte 2, found 'abc'"),
        ("u,1.5,1,true", .wrongType, "age", "expected an integer"),
        ("u,99999999999999999999,1,true", .outOfRange, "age", "beyond the range of a 64-bit integer"),
        ("u,1,1e400,true", .outOfRange, "amount", "beyond the range of a 64-bit double"),
        ("u,1,12,true,extra", .decode, nil, "too many cells: expected 4 columns"),
        ("u,1,x,true", .wrongType, "amount", "expected a number"),
        ("u,1,2,maybe", .wrongType, "vip", "expected a boolean"),
        ("u,1,2", .missingField, "vip", "expected 4 cells, found 3; missing: vip"),
        (#""open,1,2,true"#, .decode, nil, "unterminated quoted cell starting at byte 0"),
        (#""a"b,1,2,true"#, .decode, nil, "after the closing quote at byte 2"),
        ("a\nb,1,2,true", .decode, nil, "unexpected line break at byte 1"),
        ("", .decode, nil, "empty record"),
        ("\r\n", .decode, nil, "empty record"),
    ] as [(String, RecordError.Code, String?, String)])
    func reportsBadCellsNamingTheColumn(line: String, code: RecordError.Code, field: String?, message: String) {
        let e = error(decoder, line)
        #expect(e?.code == code)
        #expect(e?.field == field)
        #expect(e?.message.contains(message) == true, "\(String(describing: e))")
    }

    @Test func rejectsInvalidUTF8InCells() {
        let bytes: [UInt8] = Array("ok,1,2,0".utf8)
        var bad = bytes
        bad[1] = 0xC0
        let e = decodeError(bad)
        #expect(e?.code == .invalidUTF8)
        #expect(e?.field == "user")
        #expect(e?.message.contains("at byte 1") == true)
    }

    @Test func supportsOtherDelimiters() throws {
        let d = CSVRecordDecoder(columns: [CSVColumn("a"), CSVColumn("b", .integer)], delimiter: UInt8(ascii: ";"))
        #expect(try d.decode(#""x;y";3"#) == ["a": "x;y", "b": 3])
        let e = CSVRecordEncoder(columns: ["a", "b"], delimiter: UInt8(ascii: "\t"))
        #expect(String(decoding: try e.encode(["a": "x\ty", "b": 3]), as: UTF8.self) == "\"x\ty\"\t3")
    }

    @Test func encoderQuotesOnlyWhenNeededAndRoundTrips() throws {
        let encoder = CSVRecordEncoder(columns: ["user", "age", "amount", "vip"])
        let fields: Fields = ["user": "a,\"b\"\nc", "age": -3, "amount": 0.1, "vip": false]
        let bytes = try encoder.encode(fields)
        #expect(String(decoding: bytes, as: UTF8.self) == "\"a,\"\"b\"\"\nc\",-3,0.1,false")
        #expect(try decoder.decode(bytes) == fields)
        let sparse: Fields = ["user": "", "extra": "ignored"]
        #expect(String(decoding: try encoder.encode(sparse), as: UTF8.self) == #""",,,"#)
        #expect(try decoder.decode(try encoder.encode(sparse)) == ["user": "", "age": nil, "amount": nil, "vip": nil])
    }

    @Test func encoderRejectsValuesCSVCannotHold() {
        let encoder = CSVRecordEncoder(columns: ["a"])
        for value: Value in [.array([1]), .object(["x": 1]), .double(.nan)] {
            do {
                _ = try encoder.encode(["a": value])
                Issue.record("\(value) was encoded")
            } catch {
                #expect(error.field == "a")
            }
        }
    }

    @Test func encoderWritesHeaderAndTerminators() {
        var out: [UInt8] = []
        let encoder = CSVRecordEncoder(columns: ["a", "b c", "d,e"], terminator: .crlf)
        encoder.encodeHeader(into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "a,b c,\"d,e\"\r\n")
    }

    @Test(arguments: [1, 7, 4096])
    func fileReaderReadsHeaderAndRecordsAcrossChunks(chunkSize: Int) throws {
        let text = "id,amount,note\r\n1,2.5,plain\n\n2,,\"multi\nline, with comma\"\n3,-1e3,\"\"\"q\"\"\"\n4,0,last"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-csv-\(chunkSize)-\(UUID()).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var reader = try CSVFileReader(path: path, types: ["id": .integer, "amount": .number], chunkSize: chunkSize)
        #expect(reader.columns == [CSVColumn("id", .integer), CSVColumn("amount", .number), CSVColumn("note")])
        var rows: [Fields] = []
        while let row = try reader.next() { rows.append(row) }
        #expect(rows == [
            ["id": 1, "amount": 2.5, "note": "plain"],
            ["id": 2, "amount": nil, "note": "multi\nline, with comma"],
            ["id": 3, "amount": -1000.0, "note": "\"q\""],
            ["id": 4, "amount": 0.0, "note": "last"],
        ])
    }

    @Test func fileReaderErrorsCarryTheLineNumber() throws {
        var reader = try CSVFileReader(bytes: Array("id,n\n1,2\n\"a\nb\",3\nx,y\n".utf8), types: ["n": .integer])
        _ = try reader.next()
        _ = try reader.next()
        do {
            _ = try reader.next()
            Issue.record("bad row decoded")
        } catch {
            #expect(error.message.hasPrefix("line 5: "))
            #expect(error.field == "n")
        }
    }

    @Test func fileReaderValidatesHeaderAndTypes() {
        #expect(throws: RecordError.self) { try CSVFileReader(bytes: []) }
        #expect(throws: RecordError.self) { try CSVFileReader(bytes: Array("a,a\n".utf8)) }
        #expect(throws: RecordError.self) { try CSVFileReader(bytes: Array("a,b\n".utf8), types: ["c": .integer]) }
        #expect(throws: RecordError.self) { try CSVFileReader(path: "/nonexistent/file.csv") }
    }
}
