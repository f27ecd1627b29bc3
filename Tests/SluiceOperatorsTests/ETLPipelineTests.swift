import SluiceCore
import SluiceFormats
import SluiceOperators
import SluiceTopology
import Testing

/// topologies/etl.yaml end to end in memory: decode → event time → validate → map → filter → route → sinks.
@Suite("etl.yaml end to end")
struct ETLPipelineTests {
    static let now: Int64 = 1_710_028_800_000  // 2024-03-10T00:00:00Z

    static let inputs: [String] = [
        #"{"order_id":"o-0000000a","customer_id":"c1","amount":12000,"discount":0,"currency":"EUR","country":"de","is_test":false,"created_at":"2024-03-09T10:00:00Z","internal_note":"vip"}"#,
        #"{"order_id":"o-0000000b","customer_id":"c2","amount":1000,"discount":100,"currency":"USD","fx_rate":0.5,"is_test":false,"created_at":"2024-03-09T11:00:00Z"}"#,
        #"{"order_id":"o-0000000c","customer_id":"c3","amount":20,"discount":5,"currency":"EUR","country":"fr","is_test":false,"created_at":"2024-03-09T12:00:00Z"}"#,
        #"{"order_id":"o-0000000d","customer_id":"c4","amount":50,"discount":0,"currency":"EUR","is_test":true,"created_at":"2024-03-09T13:00:00Z"}"#,
        #"{"order_id":"o-0000000e","customer_id":"c5","amount":-5,"discount":0,"currency":"EUR","is_test":false,"created_at":"2024-03-09T14:00:00Z"}"#,
        #"{"order_id":"#,
        #"{"order_id":"o-0000000f","customer_id":"c6","amount":5,"discount":0,"currency":"EUR","is_test":false,"created_at":"2024-01-01T00:00:00Z"}"#,
        #"{"order_id":"o-00000010","customer_id":"c7","amount":5,"discount":0,"currency":"EUR","is_test":false,"created_at":"yesterday"}"#,
        #"{"order_id":"o-00000011","customer_id":"c8","amount":5,"currency":"EUR","is_test":false,"created_at":"2024-03-09T15:00:00Z"}"#,
        #"{"order_id":"o-00000012","customer_id":"c9","amount":700,"discount":0,"currency":"GBP","country":"gb","is_test":false,"created_at":"2024-03-09T16:00:00Z"}"#,
    ]

    static func run() throws -> InMemoryPipeline {
        let topology = try TopologyFixture.compile(file: TestPaths.topologies + "/etl.yaml")
        let pipeline = try InMemoryPipeline(topology)
        let messages = inputs.enumerated().map { InMemoryPipeline.Message(key: nil, value: Array($0.element.utf8), offset: Int64($0.offset)) }
        pipeline.run(["orders": messages], partition: 3, now: now)
        return pipeline
    }

    static func fields(_ json: String) throws -> Fields { try JSONRecordDecoder().decode(json) }

    @Test("valid orders are cleaned and routed by size, with keys and lineage headers")
    func routed() throws {
        let p = try Self.run()
        let large = p.produced(to: "orders.large")
        #expect(large.map(\.key) == ["o-0000000a"])
        let first = try Self.fields(try #require(large.first).value)
        #expect(first["amount_eur"] == .int(12000))
        #expect(first["net_amount"] == .int(12000))
        #expect(first["country"] == .string("DE"))
        #expect(first["internal_note"] == nil)
        let headers = try #require(large.first?.headers)
        #expect(headers.map(\.name) == ["priority", "sluice-lineage"])
        #expect(Fixture.header(headers, "priority") == "high")
        #expect(Fixture.header(headers, "sluice-lineage")?.hasPrefix("orders-etl@2#") == true)

        // medium (sink 2) then small (sink 3); GBP without fx_rate has a null amount_eur: no branch matches → small.
        let standard = p.produced(to: "orders.standard")
        #expect(standard.map(\.key) == ["o-0000000b", "o-0000000c", "o-00000012"])
        let medium = try Self.fields(standard[0].value)
        #expect(medium["amount_eur"] == .double(500))
        #expect(medium["net_amount"] == .int(900))
        #expect(medium["country"] == .string("XX"))
        #expect(medium["fx_rate"] == nil)
        #expect(try Self.fields(standard[2].value)["amount_eur"] == .null)
    }

    @Test("the CSV sink reads the cleaned stream, test orders included")
    func csv() throws {
        let p = try Self.run()
        #expect(p.produced(to: "orders.csv").map(\.value) == [
            "o-0000000a,c1,12000,DE,2024-03-09T10:00:00Z",
            "o-0000000b,c2,500.0,XX,2024-03-09T11:00:00Z",
            "o-0000000c,c3,20,FR,2024-03-09T12:00:00Z",
            "o-0000000d,c4,50,XX,2024-03-09T13:00:00Z",
            "o-00000012,c9,,GB,2024-03-09T16:00:00Z",
        ])
    }

    @Test("every invalid record is a dead letter with its reason, in offset order")
    func deadLetters() throws {
        let p = try Self.run()
        let summary = p.deadLetters.sorted { ($0.offset ?? -1) < ($1.offset ?? -1) }
            .map { "\($0.offset ?? -1) \($0.operatorID) \($0.error.code.rawValue) \($0.error.field ?? "-")" }
        #expect(summary == [
            "4 valid_orders OUT_OF_RANGE amount",
            "5 orders DECODE -",
            "6 valid_orders STALE -",
            "7 event_time:orders WRONG_TYPE created_at",
            "8 valid_orders RULE_FAILED -",
        ])
        let negative = try #require(p.deadLetters.first { $0.offset == 4 })
        #expect(negative.error.message == "amount: -5 is below the minimum 0 (1 more violation: rule 'discount <= amount' RULE_FAILED)")
        #expect(negative.message.value == Array(Self.inputs[4].utf8))
        let headers = negative.message.headers
        #expect(Fixture.header(headers, "sluice-error-code") == "OUT_OF_RANGE")
        #expect(Fixture.header(headers, "sluice-source-topic") == "orders")
        #expect(Fixture.header(headers, "sluice-source-partition") == "3")
        #expect(Fixture.header(headers, "sluice-source-offset") == "4")
        #expect(Fixture.header(headers, "sluice-operator") == "valid_orders")
        #expect(Fixture.header(headers, "sluice-topology") == "orders-etl")
        let stale = try #require(p.deadLetters.first { $0.offset == 6 })
        #expect(stale.error.message == "event time 2024-01-01T00:00:00.000Z is 69d old, older than the freshness max_age 7d")
        #expect(p.counters.total(operatorID: "valid_orders") == 3)
        #expect(p.counters.total == 5)
    }
}
