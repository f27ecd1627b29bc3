import Foundation
import SluiceCore
import Testing

@testable import SluiceFormats

@Suite("Avro")
struct AvroTests {
    static let schemaJSON = #"""
        {"type":"record","name":"Payment","namespace":"com.example","fields":[
          {"name":"nothing","type":"null"},
          {"name":"flag","type":"boolean"},
          {"name":"small","type":"int"},
          {"name":"big","type":"long"},
          {"name":"ratio","type":"float"},
          {"name":"amount","type":"double"},
          {"name":"raw","type":"bytes"},
          {"name":"name","type":"string"},
          {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","VOID"]}},
          {"name":"tags","type":{"type":"array","items":"string"}},
          {"name":"attrs","type":{"type":"map","values":"long"}},
          {"name":"hash","type":{"type":"fixed","name":"MD5","size":4}},
          {"name":"note","type":["null","string"]},
          {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"day","type":{"type":"int","logicalType":"date"}},
          {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
          {"name":"fee","type":{"type":"fixed","name":"Fee","size":3,"logicalType":"decimal","precision":6,"scale":1}},
          {"name":"merchant","type":{"type":"record","name":"Merchant","fields":[
            {"name":"id","type":"string"},{"name":"status","type":"Status"},{"name":"parent","type":["null","Merchant"]}]}},
          {"name":"region","type":"string","default":"AE"}
        ]}
        """#

    static let sample: Fields = [
        "nothing": nil, "flag": true, "small": -2_147_483_648, "big": 9_223_372_036_854_775_807, "ratio": 0.5,
        "amount": 123.45, "raw": .string("\u{0}\u{FF}a"), "name": "Zoë 😀", "status": "PAID",
        "tags": .array(["a", ""]), "attrs": .object(["x": 1, "y": -300]), "hash": "\u{1}\u{2}\u{3}\u{FE}",
        "note": "hello", "ts": 1_700_000_000_000, "day": 19_700, "price": -12.34, "fee": 12.5,
        "merchant": .object(["id": "m1", "status": "NEW", "parent": .object(["id": "m0", "status": "VOID", "parent": nil])]),
        "region": "SA",
    ]

    let schema = try! AvroSchema(json: AvroTests.schemaJSON)

    @Test func roundTripsEveryType() throws {
        let bytes = try AvroRecordEncoder(schema: schema).encode(Self.sample)
        let decoded = try AvroRecordDecoder(schema: schema).decode(bytes)
        #expect(decoded == Self.sample)
        #expect(decoded.map(\.name) == schema.fieldNames)
        #expect(schema.recordName == "com.example.Payment")
    }

    @Test func writesTheSpecifiedBinaryLayout() throws {
        let s = try AvroSchema(json: #"{"type":"record","name":"R","fields":[{"name":"a","type":"long"},"#
            + #"{"name":"s","type":"string"},{"name":"u","type":["null","int"]},{"name":"xs","type":{"type":"array","items":"int"}}]}"#)
        let bytes = try AvroRecordEncoder(schema: s).encode(["a": -64, "s": "hi", "u": 1, "xs": .array([1, 2])])
        // -64 → zigzag 127; "hi" → len 2 (zigzag 4); union branch 1 (2) then 1 (2); array block of 2 (4) items 2, 4, end 0.
        #expect(bytes == [0x7F, 0x04, 0x68, 0x69, 0x02, 0x02, 0x04, 0x02, 0x04, 0x00])
    }

    @Test func decodesNegativeBlockCountsWithByteSizes() throws {
        let s = try AvroSchema(json: #"{"type":"record","name":"R","fields":[{"name":"xs","type":{"type":"array","items":"long"}}]}"#)
        // Block of -2 items (zigzag 3) with byte size 2 (zigzag 4), items 1 and -1, then a block of 1 item: 5, end.
        let decoded = try AvroRecordDecoder(schema: s).decode([0x03, 0x04, 0x02, 0x01, 0x02, 0x0A, 0x00])
        #expect(decoded["xs"] == .array([1, -1, 5]))
    }

    @Test func everyTruncationIsAnErrorNotACrash() throws {
        let bytes = try AvroRecordEncoder(schema: schema).encode(Self.sample)
        let decoder = try AvroRecordDecoder(schema: schema)
        for cut in 0..<bytes.count {
            #expect(throws: RecordError.self, "prefix of \(cut) bytes") { try decoder.decode(Array(bytes[..<cut])) }
        }
        #expect(throws: RecordError.self) { try decoder.decode(bytes + [0]) }
    }

    @Test(arguments: [
        ([0x01], "negative string length -1"),  // length -1
        ([0xFE, 0xFF, 0xFF, 0xFF, 0x0F], "exceeds the 0 bytes left"),  // length 2^31-1
        ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "overflows 64 bits"),
        ([0x02, 0xC0, 0x80], "invalid UTF-8 byte 0xC0 at byte 1"),
    ] as [([UInt8], String)])
    func rejectsMalformedStrings(bytes: [UInt8], message: String) throws {
        let s = try AvroSchema(json: #"{"type":"record","name":"R","fields":[{"name":"s","type":"string"}]}"#)
        do {
            _ = try AvroRecordDecoder(schema: s).decode(bytes)
            Issue.record("decoded")
        } catch let error as RecordError {
            #expect(error.field == "s")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func hugeBlockCountsOfZeroSizeItemsAreBounded() throws {
        let s = try AvroSchema(json: #"{"type":"record","name":"R","fields":[{"name":"xs","type":{"type":"array","items":"null"}}]}"#)
        // 2^62 null items: no bytes needed per item, so only the item limit stops it.
        let huge: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00]
        #expect(throws: RecordError.self) { try AvroRecordDecoder(schema: s).decode(huge) }
        let limited = try AvroRecordDecoder(schema: s, limits: .init(maxCollectionItems: 3))
        #expect(try limited.decode([0x06, 0x00])["xs"] == .array([nil, nil, nil]))
        #expect(throws: RecordError.self) { try limited.decode([0x08, 0x00]) }
        let longs = try AvroSchema(json: #"{"type":"record","name":"R","fields":[{"name":"xs","type":{"type":"array","items":"long"}}]}"#)
        #expect(throws: RecordError.self) { try AvroRecordDecoder(schema: longs).decode([0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0x00]) }
    }

    @Test func recursiveDataIsDepthLimited() throws {
        let s = try AvroSchema(json: #"{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}"#)
        let deep = [UInt8](repeating: 0x02, count: 10_000) + [0x00]
        #expect(throws: RecordError.self) { try AvroRecordDecoder(schema: s).decode(deep) }
        let shallow: [UInt8] = [0x02, 0x02, 0x00]
        #expect(try AvroRecordDecoder(schema: s).decode(shallow).value(atPath: "next.next.next") == .null)
    }

    @Test(arguments: [
        ("small", Value.string("x"), RecordError.Code.wrongType),
        ("small", .int(1 << 40), .outOfRange),
        ("status", .string("LOST"), .notInEnum),
        ("hash", .string("abc"), .badLength),
        ("raw", .string("€"), .wrongType),
        ("flag", .null, .wrongType),
        ("note", .int(3), .wrongType),
    ])
    func encoderErrorsNameTheField(field: String, value: Value, code: RecordError.Code) throws {
        var fields = Self.sample
        fields[field] = value
        do {
            _ = try AvroRecordEncoder(schema: schema).encode(fields)
            Issue.record("encoded")
        } catch let error as RecordError {
            #expect(error.code == code)
            #expect(error.field == field)
        }
    }

    @Test func encoderUsesDefaultsNullsAndNestedPaths() throws {
        var fields = Self.sample
        fields["region"] = nil
        fields["note"] = nil
        let decoded = try AvroRecordDecoder(schema: schema).decode(try AvroRecordEncoder(schema: schema).encode(fields))
        #expect(decoded["region"] == "AE")
        #expect(decoded["note"] == .null)
        fields["merchant"] = .object(["id": "m1", "status": "NEW", "parent": .object(["id": 5, "status": "NEW"])])
        do {
            _ = try AvroRecordEncoder(schema: schema).encode(fields)
            Issue.record("encoded")
        } catch let error as RecordError {
            #expect(error.field == "merchant.parent.id")
        }
        fields["flag"] = nil
        #expect(throws: RecordError.self) { try AvroRecordEncoder(schema: schema).encode(fields) }
    }

    @Test func confluentFramingSelectsTheSchemaById() throws {
        let registry = try SchemaRegistryMap([7: schema])
        let bytes = try AvroRecordEncoder(schema: schema, confluentSchemaID: 7).encode(Self.sample)
        #expect(Array(bytes[..<5]) == [0, 0, 0, 0, 7])
        #expect(try AvroRecordDecoder(registry: registry).decode(bytes) == Self.sample)

        var unknown = bytes
        unknown[4] = 8
        do {
            _ = try AvroRecordDecoder(registry: registry).decode(unknown)
            Issue.record("decoded")
        } catch {
            #expect(error.message.contains("unknown Avro schema id 8"))
            #expect(error.message.contains("knows ids: 7"))
        }
        var badMagic = bytes
        badMagic[0] = 1
        #expect(throws: RecordError.self) { try AvroRecordDecoder(registry: registry).decode(badMagic) }
        #expect(throws: RecordError.self) { try AvroRecordDecoder(registry: registry).decode([0, 0, 0]) }
    }

    @Test func registryLoadsSchemaFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-avro-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(Self.schemaJSON.utf8).write(to: dir.appendingPathComponent("payment.avsc"))
        let registry = try SchemaRegistryMap.load(mapping: [42: "payment.avsc"], relativeTo: dir.path)
        #expect(try registry.schema(id: 42) == schema)
        #expect(throws: FormatError.self) { try SchemaRegistryMap.load(mapping: [1: "missing.avsc"], relativeTo: dir.path) }
    }

    @Test(arguments: [
        #"{"type":"record","name":"R","fields":[{"name":"a","type":"Nope"}]}"#,
        #"{"type":"record","name":"R","fields":[{"name":"a","type":[["int"]]}]}"#,
        #"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]}"#,
        #"{"type":"enum","name":"E","symbols":["A","A"]}"#,
        #"{"type":"fixed","name":"F"}"#,
        #"{"type":"record","name":"R"}"#,
        #"{"type":"record","name":"R","fields":[]"#,
        "42",
    ])
    func rejectsInvalidSchemas(json: String) {
        #expect(throws: FormatError.self) { try AvroSchema(json: json) }
    }

    @Test func topLevelMustBeARecord() throws {
        let s = try AvroSchema(json: #""string""#)
        #expect(throws: FormatError.self) { try AvroRecordDecoder(schema: s) }
        #expect(throws: FormatError.self) { try SchemaRegistryMap([1: s]) }
    }
}
