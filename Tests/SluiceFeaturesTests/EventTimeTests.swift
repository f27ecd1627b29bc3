import SluiceCore
import Testing
@testable import SluiceFeatures

@Suite("Event time extraction")
struct EventTimeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var value: Value
        var unit: EventTimeExtractor.Unit
        var millis: Int64
        var testDescription: String { "\(value) \(unit.rawValue)" }
    }

    @Test("units convert to epoch milliseconds", arguments: [
        Case(value: .int(1_714_566_600), unit: .seconds, millis: 1_714_566_600_000),
        Case(value: .double(1_714_566_600.25), unit: .seconds, millis: 1_714_566_600_250),
        Case(value: .int(1_714_566_600_123), unit: .milliseconds, millis: 1_714_566_600_123),
        Case(value: .int(1_714_566_600_123_999), unit: .microseconds, millis: 1_714_566_600_123),
        Case(value: .int(-1_500), unit: .microseconds, millis: -2),
        Case(value: "2024-05-01T12:30:00Z", unit: .iso8601, millis: 1_714_566_600_000),
        Case(value: "2024-05-01T12:30:00.25Z", unit: .iso8601, millis: 1_714_566_600_250),
        Case(value: "2024-05-01T16:30:00.123456+04:00", unit: .iso8601, millis: 1_714_566_600_123),
        Case(value: "2024-05-01 12:30:00", unit: .iso8601, millis: 1_714_566_600_000),
        Case(value: "2024-02-29", unit: .iso8601, millis: 1_709_164_800_000),
        Case(value: "1969-12-31T23:59:59.999Z", unit: .iso8601, millis: -1),
    ])
    func converts(_ c: Case) throws {
        let x = EventTimeExtractor(.field("ts", unit: c.unit))
        #expect(try x.eventTime(of: Record(fields: ["ts": c.value])) == c.millis)
    }

    @Test("nested fields and the Kafka timestamp")
    func sources() throws {
        let r = Record(fields: ["meta": .object(["at": .int(42)])], timestamp: 7)
        #expect(try EventTimeExtractor(.field("meta.at", unit: .milliseconds)).eventTime(of: r) == 42)
        #expect(try EventTimeExtractor(.kafkaTimestamp).eventTime(of: r) == 7)
    }

    @Test("bad event times become record errors", arguments: [
        (Value.null, EventTimeExtractor.Unit.milliseconds, RecordError.Code.missingField),
        ("soon", .milliseconds, .wrongType),
        (.int(5), .iso8601, .wrongType),
        ("2024-02-30T00:00:00Z", .iso8601, .decode),
        ("2024-05-01T25:00:00Z", .iso8601, .decode),
        ("yesterday", .iso8601, .decode),
        (.double(.infinity), .seconds, .outOfRange),
        (.int(Int64.max / 10), .seconds, .outOfRange),
    ])
    func errors(_ value: Value, _ unit: EventTimeExtractor.Unit, _ code: RecordError.Code) {
        let x = EventTimeExtractor(.field("ts", unit: unit))
        do {
            _ = try x.eventTime(of: Record(fields: ["ts": value]))
            Issue.record("accepted \(value)")
        } catch {
            #expect(error.code == code)
            #expect(error.field == "ts")
        }
        #expect(throws: RecordError.self) { try x.eventTime(of: Record()) }
    }
}
