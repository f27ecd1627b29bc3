import Foundation
import SluiceCore
import Testing

@testable import SluiceFormats

@Suite("Format factory")
struct FormatTests {
    @Test func buildsJSONCodecsFromOptions() throws {
        let format = try Format(name: "json", options: ["max_depth": 2, "non_finite": "null"])
        #expect(format == .json(JSONFormatOptions(maxDepth: 2, nonFinite: .null)))
        #expect(throws: RecordError.self) { try format.makeDecoder().decode(#"{"a":{"b":{}}}"#) }
        #expect(try format.makeEncoder().encode(["x": .double(.nan)]) == Array(#"{"x":null}"#.utf8))
    }

    @Test func buildsCSVCodecsWithOrderedTypedColumns() throws {
        let format = try Format(name: "csv", options: [
            "columns": .object(["user": "string", "amount": "number", "n": "integer"]), "delimiter": ";",
        ])
        let fields = try format.makeDecoder().decode("u1;2.5;3")
        #expect(fields.map(\.name) == ["user", "amount", "n"])
        #expect(fields["amount"] == .double(2.5))
        #expect(try format.makeEncoder().encode(fields) == Array("u1;2.5;3".utf8))
    }

    @Test func buildsAvroCodecsFromSchemaFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-format-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let schema = #"{"type":"record","name":"R","fields":[{"name":"id","type":"long"}]}"#
        try Data(schema.utf8).write(to: dir.appendingPathComponent("r.avsc"))
        let format = try Format(name: "avro", options: ["schemas": .object(["3": "r.avsc"]), "schema_id": 3], baseDirectory: dir.path)
        let bytes = try format.makeEncoder().encode(["id": 21])
        #expect(bytes == [0, 0, 0, 0, 3, 42])
        #expect(try format.makeDecoder().decode(bytes) == ["id": 21])
        let bare = try Format(name: "avro", options: ["schema": "r.avsc"], baseDirectory: dir.path)
        #expect(try bare.makeDecoder().decode([42]) == ["id": 21])
    }

    @Test(arguments: [
        ("xml", Fields(), "unknown format 'xml'"),
        ("json", ["max_dept": 3], "unknown json option 'max_dept'"),
        ("json", ["max_depth": "deep"], "must be a positive integer"),
        ("json", ["non_finite": "zero"], "'error' or 'null'"),
        ("csv", Fields(), "csv needs 'columns'"),
        ("csv", ["columns": .object(["a": "date"])], "columns.a"),
        ("csv", ["columns": .object(["a": "string"]), "delimiter": ",,"], "one ASCII character"),
        ("avro", Fields(), "avro needs 'schemas'"),
        ("avro", ["schemas": .object(["x": "a.avsc"])], "schemas.x"),
    ] as [(String, Fields, String)])
    func rejectsBadOptionsWithActionableMessages(name: String, options: Fields, message: String) {
        do {
            _ = try Format(name: name, options: options)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .invalidOption)
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func avroSinkNeedsASchemaID() throws {
        let format = try Format(name: "avro", options: ["schemas": .object(["1": "a.avsc"])])
        #expect(throws: FormatError.self) { try format.makeEncoder() }
        #expect(throws: FormatError.self) { try format.makeDecoder() }  // a.avsc does not exist
    }
}
