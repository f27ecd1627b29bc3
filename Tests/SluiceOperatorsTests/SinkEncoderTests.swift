import SluiceCore
import SluiceFormats
import SluiceOperators
import SluiceTopology
import Testing

@Suite("sink encoding")
struct SinkEncoderTests {
    static func topology(_ sinks: String, files: [String: String] = [:]) throws -> Topology {
        try TopologyFixture.compile(operators: "sinks:\n" + sinks, files: files)
    }

    static func encoder(_ sink: String, files: [String: String] = [:]) throws -> SinkEncoder {
        let t = try topology(sink, files: files)
        return try SinkEncoder(sink: t.sinks[0], topology: t)
    }

    @Test("JSON value, string key, header expressions, lineage and model headers")
    func json() throws {
        let encoder = try Self.encoder("""
              - {input: in, topic: out, key: user, headers: {team: "'risk'", amount: amount, missing: nope}}
            """)
        var record = try Fixture.record(#"{"user":"u1","amount":12.5}"#)
        record.headers = [Header("sluice-model-version", "v8"), Header("trace", "t1")]
        var value: [UInt8] = []
        var key: [UInt8]?
        let headers = try encoder.encode(record, value: &value, key: &key)
        #expect(Fixture.text(value) == #"{"user":"u1","amount":12.5}"#)
        #expect(Fixture.text(key) == "u1")
        #expect(headers.map(\.name) == ["team", "amount", "missing", "sluice-lineage", "sluice-model-version"])
        #expect(Fixture.header(headers, "team") == "risk")
        #expect(Fixture.header(headers, "amount") == "12.5")
        #expect(headers[2].value == nil)
        let lineage = try #require(Fixture.header(headers, "sluice-lineage"))
        #expect(lineage.hasPrefix("test-topology@3#"))
        #expect(lineage.split(separator: "#").last?.count == 16)
        #expect(Fixture.header(headers, "sluice-model-version") == "v8")
    }

    @Test("a record from a JSON source keeps its input's spelling; added fields follow; a changed one re-encodes all")
    func verbatimFromSource() throws {
        let encoder = try Self.encoder("  - {input: in, topic: out}\n")
        let source = SourceDecoder(sourceID: "in", decoder: JSONRecordDecoder(reusingNames: true))
        for _ in 0..<2 {
            let input = Array(#"{"user": "u1", "amount": 12.50}"#.utf8)
            var record = try input.withUnsafeBytes { bytes in
                try source.decodeRecord(key: nil, value: bytes, headers: [], timestamp: 0, origin: RecordOrigin(topic: "t", partition: 0, offset: 0))
            }
            record.fields["score"] = 0.5
            var value: [UInt8] = []
            var key: [UInt8]?
            _ = try encoder.encode(record, value: &value, key: &key)
            #expect(Fixture.text(value) == #"{"user": "u1", "amount": 12.50,"score":0.5}"#)
            record.fields["amount"] = 13.0
            _ = try encoder.encode(record, value: &value, key: &key)
            #expect(Fixture.text(value) == #"{"user":"u1","amount":13.0,"score":0.5}"#)
        }
    }

    @Test("keys: integers as decimal text, null as no key; buffers are reused", arguments: [
        (#"{"id":42}"#, "42" as String?),
        (#"{"id":-7}"#, "-7"),
        (#"{"id":null}"#, nil),
        (#"{}"#, nil),
        (#"{"id":"é"}"#, "é"),
    ])
    func keys(_ json: String, _ expected: String?) throws {
        let encoder = try Self.encoder("  - {input: in, topic: out, key: id}")
        var value: [UInt8] = Array("stale bytes".utf8)
        var key: [UInt8]? = Array("old".utf8)
        _ = try encoder.encode(try Fixture.record(json), value: &value, key: &key)
        #expect(Fixture.text(key) == expected)
        #expect(Fixture.text(value) == json)
    }

    @Test("CSV with configured columns, and in record order without")
    func csv() throws {
        let t = try Self.topology("""
              - {input: in, topic: a, format: csv, columns: [id, amount]}
              - {input: in, topic: b, format: csv}
            """)
        let record = try Fixture.record(#"{"amount":3.5,"id":"x,y","extra":1}"#)
        var value: [UInt8] = []
        var key: [UInt8]?
        _ = try SinkEncoder(sink: t.sinks[0], topology: t).encode(record, value: &value, key: &key)
        #expect(Fixture.text(value) == #""x,y",3.5"#)
        _ = try SinkEncoder(sink: t.sinks[1], topology: t).encode(record, value: &value, key: &key)
        #expect(Fixture.text(value) == #"3.5,"x,y",1"#)
    }

    @Test("Avro with the sink's schema")
    func avro() throws {
        let schema = #"{"type":"record","name":"r","fields":[{"name":"id","type":"string"},{"name":"n","type":"long"}]}"#
        let encoder = try Self.encoder("  - {input: in, topic: out, format: avro, schema: r.avsc}", files: ["r.avsc": schema])
        var value: [UInt8] = []
        var key: [UInt8]?
        _ = try encoder.encode(try Fixture.record(#"{"id":"ab","n":3}"#), value: &value, key: &key)
        #expect(value == [4, 0x61, 0x62, 6])  // zigzag length 2, "ab", zigzag 3
        #expect(throws: RecordError.self) { _ = try encoder.encode(try Fixture.record(#"{"id":"ab"}"#), value: &value, key: &key) }
    }

    @Test("failures are ENCODE naming the field and the reason; the value buffer is left empty")
    func failures() throws {
        let t = try Self.topology("""
              - {input: in, topic: a, format: csv, columns: [id, tags]}
              - {input: in, topic: b, key: "amount / qty"}
            """)
        var value: [UInt8] = []
        var key: [UInt8]?
        let csv = try SinkEncoder(sink: t.sinks[0], topology: t), json = try SinkEncoder(sink: t.sinks[1], topology: t)
        let withArray = try Fixture.record(#"{"id":"a","tags":[1]}"#), zeroQty = try Fixture.record(#"{"amount":1,"qty":0}"#)
        do {
            _ = try csv.encode(withArray, value: &value, key: &key)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .encode)
            #expect(error.field == "tags")
            #expect(error.message.hasPrefix("cannot encode for csv sink 'a': column 'tags' holds an array"))
            #expect(value.isEmpty)
        }
        do {
            _ = try json.encode(zeroQty, value: &value, key: &key)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .encode)
            #expect(error.message.hasPrefix("key of sink 'b' (amount / qty): "))
            #expect(error.message.hasSuffix("(DIVISION_BY_ZERO)"))
        }
    }
}
