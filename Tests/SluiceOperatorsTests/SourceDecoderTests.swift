import SluiceCore
import SluiceOperators
import SluiceTopology
import Testing

@Suite("source decoding")
struct SourceDecoderTests {
    static func source(_ yaml: String) throws -> Source {
        let t = try TopologyFixture.compile(yaml: """
            apiVersion: sluice/v1
            kind: Topology
            metadata: {name: t}
            sources:
              s: \(yaml)
            sinks:
              - {input: s, topic: out}
            """)
        return t.sources[0]
    }

    @Test("JSON: fields, key, headers, origin and raw bytes")
    func json() throws {
        let decoder = try SourceDecoder(source: try Self.source("{topic: in, format: json}"))
        let bytes = Array(#"{"a":1}"#.utf8)
        let r = try decoder.decode(key: [1], value: bytes, headers: [Header("h", "v")], timestamp: 5, topic: "in", partition: 2, offset: 9)
        #expect(r.fields == ["a": 1])
        #expect(r.key == [1])
        #expect(r.headers == [Header("h", "v")])
        #expect(r.timestamp == 5)
        #expect(r.origin == RecordOrigin(topic: "in", partition: 2, offset: 9))
        #expect(r.raw == bytes)
        let lean = try SourceDecoder(source: try Self.source("{topic: in}"), keepRaw: false)
        #expect(try lean.decode(key: nil, value: bytes, headers: [], timestamp: 0, topic: "in", partition: 0, offset: 0).raw == nil)
    }

    @Test("malformed input is a dead letter that keeps the bytes even without keepRaw", arguments: [
        (#"{"a":"#, RecordError.Code.decode),
        ("", .decode),
        ("[1]", .decode),
    ])
    func malformed(_ text: String, _ code: RecordError.Code) throws {
        let decoder = try SourceDecoder(source: try Self.source("{topic: in}"), keepRaw: false)
        var output = OperatorOutput()
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { raw in
            decoder.decode(key: [7], value: raw, headers: [], timestamp: 1, topic: "in", partition: 0, offset: 77, into: &output)
        }
        #expect(output.records.isEmpty)
        let dead = try #require(output.deadLetters.first)
        #expect(dead.error.code == code)
        #expect(dead.record.raw == bytes)
        #expect(dead.record.key == [7])
        #expect(dead.record.origin?.offset == 77)
        let message = DeadLetterBuilder(topologyName: "t", topologyVersion: "1").build(dead.record, error: dead.error, operatorID: "s")
        #expect(message.value == bytes)
    }

    @Test("CSV with typed columns; untyped columns are strings; errors name the column")
    func csv() throws {
        let decoder = try SourceDecoder(source: try Self.source("{topic: in, format: csv, delimiter: ';', columns: [{id: string}, {n: integer}, note]}"))
        let r = try decoder.decode(key: nil, value: Array("a;42;7".utf8), headers: [], timestamp: 0, topic: "in", partition: 0, offset: 0)
        #expect(r.fields == ["id": "a", "n": 42, "note": "7"])
        do {
            _ = try decoder.decode(key: nil, value: Array("a;x;7".utf8), headers: [], timestamp: 0, topic: "in", partition: 0, offset: 1)
            Issue.record("expected a failure")
        } catch {
            #expect(error.error.code == .wrongType)
            #expect(error.error.field == "n")
        }
    }

    @Test("CSV without columns cannot be read from Kafka")
    func csvWithoutColumns() throws {
        #expect(throws: OperatorSetupError.self) { try SourceDecoder(source: try Self.source("{topic: in, format: csv, header: true}")) }
    }
}
