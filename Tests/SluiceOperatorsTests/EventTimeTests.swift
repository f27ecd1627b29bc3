import SluiceCore
import SluiceOperators
import SluiceTopology
import Testing

@Suite("event time")
struct EventTimeTests {
    static let t: Int64 = 1_709_296_245_123  // 2024-03-01T12:30:45.123Z

    @Test("units", arguments: [
        (ProcessingConfig.TimeUnit.ms, #"{"ts":1709296245123}"#, t),
        (.ms, #"{"ts":1709296245123.9}"#, t),
        (.s, #"{"ts":1709296245}"#, t - 123),
        (.s, #"{"ts":1709296245.123}"#, t),
        (.us, #"{"ts":1709296245123456}"#, t),
        (.iso8601, #"{"ts":"2024-03-01T12:30:45.123Z"}"#, t),
        (.iso8601, #"{"ts":"2024-03-01T12:30:45.123456Z"}"#, t),
        (.iso8601, #"{"ts":"2024-03-01 14:30:45,123+02:00"}"#, t),
        (.iso8601, #"{"ts":"2024-03-01T07:30:45.123-0500"}"#, t),
        (.iso8601, #"{"ts":"2024-03-01T12:30:45.123"}"#, t),
        (.iso8601, #"{"ts":"2024-03-01"}"#, 1_709_251_200_000),
        (.iso8601, #"{"ts":"1969-12-31T23:59:59Z"}"#, -1000),
    ])
    func units(_ unit: ProcessingConfig.TimeUnit, _ json: String, _ expected: Int64) throws {
        var record = try Fixture.record(json)
        try EventTimeAssigner(field: "ts", unit: unit).assign(&record)
        #expect(record.eventTime == expected)
    }

    @Test("bad values are dead letters naming the field", arguments: [
        (ProcessingConfig.TimeUnit.ms, #"{}"#, RecordError.Code.missingField, "ts: the event-time field is missing or null"),
        (.ms, #"{"ts":null}"#, .missingField, "ts: the event-time field is missing or null"),
        (.ms, #"{"ts":"1709296245123"}"#, .wrongType, #"ts: expected a number of milliseconds since the epoch, found string "1709296245123""#),
        (.iso8601, #"{"ts":"yesterday"}"#, .wrongType, #"ts: "yesterday" is not an ISO 8601 timestamp (expected e.g. 2024-03-01T12:30:00Z)"#),
        (.iso8601, #"{"ts":"2023-02-29T00:00:00Z"}"#, .wrongType, #"ts: "2023-02-29T00:00:00Z" is not an ISO 8601 timestamp (expected e.g. 2024-03-01T12:30:00Z)"#),
        (.iso8601, #"{"ts":1709296245}"#, .wrongType, "ts: expected ISO 8601 text, found integer 1709296245"),
        (.s, #"{"ts":9223372036854775807}"#, .outOfRange, "ts: 9223372036854775807 seconds is beyond the representable time range"),
    ])
    func failures(_ unit: ProcessingConfig.TimeUnit, _ json: String, _ code: RecordError.Code, _ message: String) throws {
        let out = Fixture.run(EventTimeAssigner(field: "ts", unit: unit), [try Fixture.record(json)])
        #expect(out.records.isEmpty)
        let error = try #require(out.deadLetters.first?.error)
        #expect(error == RecordError(code, field: "ts", message))
    }

    @Test("without a field the Kafka timestamp is the event time; a source override wins")
    func fromTopology() throws {
        let topology = try TopologyFixture.compile(yaml: """
            apiVersion: sluice/v1
            kind: Topology
            metadata: {name: t}
            processing:
              event_time: kafka
            sources:
              a: {topic: a}
              b: {topic: b, event_time: {field: ts, unit: s}}
            sinks:
              - {input: a, topic: oa}
              - {input: b, topic: ob}
            """)
        let a = EventTimeAssigner(source: try #require(topology.source("a")), processing: topology.processing)
        let b = EventTimeAssigner(source: try #require(topology.source("b")), processing: topology.processing)
        let record = try Fixture.record(#"{"ts":100}"#, timestamp: 42)
        #expect(try a.eventTime(of: record) == 42)
        #expect(try b.eventTime(of: record) == 100_000)
        #expect(b.id == "event_time:b")
    }
}
