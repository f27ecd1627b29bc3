import Foundation
import SluiceCore
import Testing
@testable import SluiceInference

@Suite("Hot swap")
struct HotSwapTests {
    @Test("activating a version under load: every record scored once, each batch by one version")
    func hotSwapUnderLoad() throws {
        let registry = try Fixtures.logisticRegistry()
        try registry.activate("fraud", version: "v1", by: "alice")
        let op = try InferOperator(config: InferConfig(id: "score", model: .registry(registry, name: "fraud"),
                                                       features: Fixtures.linearFeatures, batchMax: 16))
        let base = Fixtures.records("logistic")
        let batches = 100, perBatch = 50
        let reachedHalf = DispatchSemaphore(value: 0)
        let activated = DispatchSemaphore(value: 0)
        let activator = Thread {
            reachedHalf.wait()
            _ = try? registry.activate("fraud", version: "v2", by: "deployer")
            activated.signal()
        }
        activator.start()
        var batchVersions: [[String]] = []
        var seen: [String: Int] = [:]
        var out = OperatorOutput()
        for b in 0..<batches {
            let batch = (0..<perBatch).map { i -> Record in
                var r = base[(b * perBatch + i) % base.count]
                r["event_id"] = .string("b\(b)-\(i)")
                return r
            }
            out.removeAll()
            op.process(batch, from: .main, context: Fixtures.context, into: &out)
            batchVersions.append(out.records.map { Fixtures.header($0, ModelHeaders.version) ?? "?" })
            for r in out.records { seen[r["event_id"]!.asString!, default: 0] += 1 }
            if b == 50 { reachedHalf.signal() }
            if b == 90 { activated.wait() }  // the switch lands somewhere in batches 51…91
        }
        #expect(seen.count == batches * perBatch && seen.values.allSatisfy { $0 == 1 })
        #expect(batchVersions.allSatisfy { Set($0).count == 1 })
        let order = batchVersions.map { $0[0] }
        let firstV2 = try #require(order.firstIndex(of: "v2"))
        #expect(firstV2 > 50 && firstV2 <= 91)
        #expect(order[..<firstV2].allSatisfy { $0 == "v1" } && order[firstV2...].allSatisfy { $0 == "v2" })
        #expect(op.scoredByVersion["v1"] == firstV2 * perBatch)
        #expect(op.scoredByVersion["v2"] == (batches - firstV2) * perBatch)
    }
}
