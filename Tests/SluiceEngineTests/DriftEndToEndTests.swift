import Foundation
import SluiceCore
import SluiceDrift
import SluiceKafka
import SluiceTopology
import Testing
@testable import SluiceEngine

@Suite("Drift end to end on the embedded broker", .serialized)
struct DriftEndToEndTests {
    @Test("a producer shifts a distribution half way: reports show no drift before and drift after, on the right feature")
    func shiftHalfWay() throws {
        let h = try EngineHarness()
        var rng = SplitMix64(seed: 21)
        func normal() -> Double {
            let u1 = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-12)
            let u2 = Double(rng.next() >> 11) / Double(1 << 53)
            return sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
        }
        // The reference: amount ~ N(100, 15), distance ~ N(10, 2).
        var csv = "amount,distance\n"
        for _ in 0..<3_000 { csv += "\(100 + 15 * normal()),\(10 + 2 * normal())\n" }
        try csv.write(toFile: h.directory + "/reference.csv", atomically: true, encoding: .utf8)
        _ = try DriftCLI.profile(csvPath: h.directory + "/reference.csv", features: ["amount", "distance"], outputPath: h.directory + "/profile.json")

        let topology = try h.compile("""
            apiVersion: sluice/v1
            kind: Topology
            metadata: {name: monitored, version: 1}
            processing:
              checkpoint: {interval: 2s}
              batch: {max_records: 500, max_wait: 5ms}
            sources:
              tx: {topic: tx, format: json, partitions: 1}
            operators:
              - id: watch
                type: drift
                input: tx
                reference: profile.json
                features: [amount, distance]
                window: {count: 1000}
                tests:
                  amount: {test: psi, threshold: 0.2}
                  distance: {test: psi, threshold: 0.2}
                drift_share: 0.5
                report: drift.reports
            sinks: []
            """)
        for (t, p) in [("tx", 1), ("drift.reports", 1), ("monitored.dead-letters", 1), ("monitored-watch-changelog", 1)] {
            try h.broker.createTopic(t, partitions: Int32(p))
        }
        var events: [(key: String?, value: String)] = []
        for i in 0..<6_000 {
            let shifted = i >= 3_000
            let amount = (shifted ? 160 : 100) + 15 * normal()
            events.append((nil, #"{"i":\#(i),"amount":\#(amount),"distance":\#(10 + 2 * normal())}"#))
        }
        try h.produce("tx", events)
        let run = try h.start(topology, stopWhenIdleMs: 2_000)
        #expect(run.wait(timeout: .seconds(60)) { _ in run.finished })
        #expect(run.error == nil)

        let reports = try h.consumeAll("drift.reports", expecting: 6).compactMap { try? ReportEnvelope.decode(Array($0.value.utf8)).report }
        #expect(reports.count == 6)
        let before = reports.prefix(3)
        let after = reports.suffix(3)
        #expect(before.allSatisfy { !$0.datasetDrift }, "no drift before the shift")
        #expect(after.allSatisfy { r in r.features.contains { $0.name == "amount" && $0.drifted } }, "amount drifts after the shift")
        #expect(reports.allSatisfy { r in r.features.contains { $0.name == "distance" && !$0.drifted } }, "distance never drifts")
    }
}
