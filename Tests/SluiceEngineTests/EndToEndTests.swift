import Foundation
import SluiceCore
import SluiceKafka
import SluiceTopology
import Testing
@testable import SluiceEngine

@Suite("Engine end to end on the embedded broker", .serialized)
struct EndToEndTests {
    static let etl = """
        apiVersion: sluice/v1
        kind: Topology
        metadata: {name: orders, version: 7}
        processing:
          checkpoint: {interval: 1s}
          event_time: {field: created_at, unit: iso8601, max_out_of_order: 10s}
          batch: {max_records: 500, max_wait: 5ms}
          threads: 3
        sources:
          orders: {topic: orders, format: json, key: order_id, partitions: 4}
        operators:
          - id: valid
            type: validate
            input: orders
            fields:
              order_id: {type: string, required: true, pattern: "^o-[0-9]+$"}
              amount:   {type: number, required: true, min: 0}
              currency: {type: string, required: true, enum: [EUR, USD]}
            dead_letter: orders.dlq
          - id: priced
            type: map
            input: valid
            set:
              amount_eur: "currency == 'EUR' ? amount : amount * 0.5"
          - id: real
            type: filter
            input: priced
            where: "not coalesce(is_test, false)"
          - id: by_size
            type: route
            input: real
            routes:
              large: amount_eur >= 1000
            default: small
        sinks:
          - {input: by_size.large, topic: orders.large, format: json, key: order_id, headers: {priority: "'high'"}}
          - {input: by_size.small, topic: orders.small, format: json, key: order_id}
        """

    @Test("an ETL topology: every output and dead letter checked record by record")
    func etlRecordByRecord() throws {
        let h = try EngineHarness()
        let topology = try h.compile(Self.etl)
        let now = isoNow()
        try h.broker.createTopic("orders", partitions: 4)
        try h.produce("orders", [
            ("o-1", #"{"order_id":"o-1","amount":1500,"currency":"EUR","created_at":"\#(now)"}"#),
            ("o-2", #"{"order_id":"o-2","amount":1500,"currency":"USD","created_at":"\#(now)"}"#),
            ("o-3", #"{"order_id":"o-3","amount":-4,"currency":"EUR","created_at":"\#(now)"}"#),
            ("o-4", #"{"order_id":"o-4","amount":10,"currency":"JPY","created_at":"\#(now)"}"#),
            ("o-5", #"{"order_id":"o-5","amount":10,"currency":"EUR","created_at":"\#(now)","is_test":true}"#),
            ("o-6", #"{"order_id":"o-6","amount":12,"#),
            ("o-7", #"{"order_id":"o-7","amount":3000,"currency":"EUR","created_at":"\#(now)"}"#),
        ])
        let run = try h.start(topology, stopWhenIdleMs: 1500)
        #expect(run.wait(timeout: .seconds(40)) { $0.recordsIn >= 7 && $0.state == "running" })
        run.stop()
        #expect(run.error == nil)

        let large = try h.consumeAll("orders.large", expecting: 2)
        #expect(Set(large.compactMap(\.key)) == ["o-1", "o-7"])
        #expect(large.allSatisfy { header($0.headers, "priority") == "high" && header($0.headers, "sluice-lineage")?.hasPrefix("orders@7#") == true })
        let small = try h.consumeAll("orders.small", expecting: 1)
        #expect(small.map(\.key) == ["o-2"])
        #expect(small.first?.value.contains(#""amount_eur":750"#) == true)

        let dlq = try h.consumeAll("orders.dlq", expecting: 2)
        let byKey = Dictionary(uniqueKeysWithValues: dlq.map { ($0.key ?? "", $0) })
        #expect(header(byKey["o-3"]?.headers ?? [], "sluice-error-code") == "OUT_OF_RANGE")
        #expect(header(byKey["o-3"]?.headers ?? [], "sluice-error-field") == "amount")
        #expect(header(byKey["o-4"]?.headers ?? [], "sluice-error-code") == "NOT_IN_ENUM")
        #expect(header(byKey["o-4"]?.headers ?? [], "sluice-operator") == "valid")
        #expect(byKey["o-3"]?.value.contains(#""amount":-4"#) == true, "dead letters carry the original bytes")
        // Undecodable input goes to the application's dead-letter topic with its original bytes.
        let appDLQ = try h.consumeAll("orders.dead-letters", expecting: 1)
        #expect(appDLQ.count == 1)
        #expect(header(appDLQ.first?.headers ?? [], "sluice-error-code") == "DECODE")
        #expect(appDLQ.first?.value == #"{"order_id":"o-6","amount":12,"#)
        #expect(header(appDLQ.first?.headers ?? [], "sluice-source-topic") == "orders")
    }

    static let copy = """
        apiVersion: sluice/v1
        kind: Topology
        metadata: {name: copy, version: 1}
        processing:
          checkpoint: {interval: 1s}
          batch: {max_records: 200, max_wait: 5ms}
          backpressure: {max_in_flight: 4}
        sources:
          input: {topic: input, format: json, partitions: 4}
        operators:
          - {id: tagged, type: map, input: input, set: {copied: "true"}}
        sinks:
          - {input: tagged, topic: output, format: json}
        """

    @Test("a graceful stop mid-stream and a restart lose and duplicate nothing")
    func gracefulStopAndRestart() throws {
        let h = try EngineHarness()
        let topology = try h.compile(Self.copy)
        try h.broker.createTopic("input", partitions: 4)
        let total = 60_000
        try h.produce("input", (0..<total).map { (nil, #"{"n":\#($0)}"#) })
        let first = try h.start(topology)
        #expect(first.wait { $0.recordsIn >= 3_000 })
        first.stop()
        #expect(first.error == nil)
        let processedByFirst = first.engine.statusSnapshot.recordsIn
        // The second instance resumes from the first one's committed offsets and processes the rest.
        let second = try h.start(topology)
        let caughtUp = second.wait(timeout: .seconds(90)) { processedByFirst + $0.recordsIn >= total }
        #expect(caughtUp, "first \(processedByFirst), second \(second.engine.statusSnapshot.recordsIn) of \(total)")
        second.stop()
        #expect(second.error == nil)
        let out = try h.consumeAll("output", expecting: total)
        let numbers = out.compactMap { r -> Int? in
            guard let range = r.value.range(of: #""n":"#) else { return nil }
            return Int(r.value[range.upperBound...].prefix { $0.isNumber })
        }
        #expect(numbers.count == total, "every record exactly once across the restart")
        #expect(Set(numbers).count == total)
    }

    @Test("a slow broker pauses partitions: in-flight batches stay bounded and nothing is lost")
    func backpressure() throws {
        let h = try EngineHarness()
        let topology = try h.compile(Self.copy)
        try h.broker.createTopic("input", partitions: 4)
        let total = 20_000
        try h.produce("input", (0..<total).map { (nil, #"{"n":\#($0)}"#) })
        try h.broker.setRoundTripTime(broker: 1, ms: 150)
        let run = try h.start(topology, stopWhenIdleMs: 3_000)
        #expect(run.wait(timeout: .seconds(120)) { _ in run.finished })
        let status = run.engine.statusSnapshot
        #expect(status.backpressurePauses > 0)
        #expect(status.maxInFlightBatches <= 4 + 1)
        try h.broker.setRoundTripTime(broker: 1, ms: 0)
        #expect(try h.consumeAll("output", expecting: total).count == total)
    }
}
