import SluiceCore
import SluiceOperators
import Testing

@Suite("dead letters")
struct DeadLetterTests {
    let builder = DeadLetterBuilder(topologyName: "orders-etl", topologyVersion: "2")

    @Test("original bytes, key and headers, then the reason and provenance")
    func headers() {
        let record = Record(
            fields: ["amount": -5], key: Array("o-1".utf8),
            headers: [Header("trace", "t1"), Header("sluice-error-code", "OLD")],
            origin: RecordOrigin(topic: "orders", partition: 3, offset: 1234), raw: Array(#"{"amount":-5}"#.utf8))
        let error = RecordError(.outOfRange, field: "amount", "amount: -5 is below the minimum 0")
        let message = builder.build(record, error: error, operatorID: "valid_orders")
        #expect(message.value == record.raw)
        #expect(message.key == record.key)
        #expect(message.headers.map(\.name) == [
            "trace", "sluice-error-code", "sluice-error-field", "sluice-error-message", "sluice-source-topic",
            "sluice-source-partition", "sluice-source-offset", "sluice-operator", "sluice-topology", "sluice-topology-version",
        ])
        let values = message.headers.map { Fixture.text($0.value) ?? "" }
        #expect(values == ["t1", "OUT_OF_RANGE", "amount", "amount: -5 is below the minimum 0", "orders", "3", "1234",
                           "valid_orders", "orders-etl", "2"])
    }

    @Test("without raw bytes the fields are written as JSON; no field and no origin omit their headers")
    func fieldsAsJSON() {
        let record = Record(fields: ["x": .double(.nan), "y": "a"])
        let message = builder.build(record, error: RecordError(.stale, "too old"), operatorID: "v")
        #expect(Fixture.text(message.value) == #"{"x":null,"y":"a"}"#)
        #expect(message.key == nil)
        #expect(!message.headers.contains { $0.name == "sluice-error-field" || $0.name == "sluice-source-topic" })
    }

    @Test("counters per operator and code, merged across tasks")
    func counters() {
        var output = OperatorOutput()
        output.deadLetter(Record(), RecordError(.stale, "a"))
        output.deadLetter(Record(), RecordError(.stale, "b"))
        output.deadLetter(Record(), RecordError(.notInEnum, "c"))
        var a = DeadLetterCounters()
        a.add(output, operatorID: "v")
        var b = DeadLetterCounters()
        b.add(operatorID: "m", code: .divisionByZero)
        b.add(operatorID: "v", code: .stale, count: 4)
        a.merge(b)
        #expect(a.count(operatorID: "v", code: .stale) == 6)
        #expect(a.total(operatorID: "v") == 7)
        #expect(a.total == 8)
        #expect(a.entries.map { "\($0.operatorID) \($0.code.rawValue) \($0.count)" } == ["m DIVISION_BY_ZERO 1", "v NOT_IN_ENUM 1", "v STALE 6"])
    }
}
