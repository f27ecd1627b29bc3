import Foundation
import SluiceCore
import SluiceStats
import Testing
@testable import SluiceDrift

@Suite struct PerformanceTests {
    func stage(_ perf: DriftOperatorConfig.Performance, onDrift: DriftOperatorConfig.OnDrift? = nil,
               rollback: DriftStage.RollbackHook? = nil) throws -> DriftStage {
        let config = DriftOperatorConfig(topology: "t", operatorID: "drift", features: ["a"], window: .tumbling(sizeMs: 1000),
                                         performance: perf, reportTopic: "reports", onDrift: onDrift)
        return try DriftStage(config: config, profile: try Synthetic.profile(n: 200), rollback: rollback)
    }

    func labelled(_ pairs: [(Double, Double)], start: Int64 = 0) -> [Record] {
        pairs.enumerated().map { i, p in Record(fields: ["score": .double(p.0), "label": .double(p.1)], eventTime: start + Int64(i)) }
    }

    @Test func classificationMetricsMatchHandComputedValues() throws {
        let perf = DriftOperatorConfig.Performance(from: "joined", label: "label", prediction: "score",
                                                   metrics: [.accuracy, .precision, .recall, .f1, .auc, .logLoss, .brier], detector: .ddm)
        let s = try stage(perf)
        var out = OperatorOutput()
        let pairs: [(Double, Double)] = [(0.9, 1), (0.8, 1), (0.7, 0), (0.6, 1), (0.4, 0), (0.3, 1), (0.2, 0), (0.1, 0)]
        s.process(labelled(pairs), from: .right, context: context(), into: &out)
        s.advance(context: context(watermark: 1000), into: &out)
        let m = try #require(try reports(out).first?.performance)
        // tp 3, fp 1, tn 3, fn 1.
        #expect(m.n == 8)
        #expect(m.accuracy == 0.75 && m.precision == 0.75 && m.recall == 0.75 && m.f1 == 0.75)
        // 13 of 16 positive/negative pairs are ranked correctly.
        #expect(m.auc == 13.0 / 16.0)
        #expect(m.aucSampled == false)
        // -(2 ln .9 + 2 ln .8 + 2 ln .3 + 2 ln .6) / 8 = -ln(0.1296) / 4.
        #expect(abs(m.logLoss! - 0.5108256237659907) < 1e-12)
        #expect(abs(m.brier! - 0.175) < 1e-12)
        #expect(m.mae == nil && m.rmse == nil)
        #expect(out.records.first?["performance"] != nil)
    }

    @Test func regressionMetricsMatchHandComputedValues() throws {
        let perf = DriftOperatorConfig.Performance(from: "joined", label: "label", prediction: "score", metrics: [.mae, .rmse],
                                                   detector: .pageHinkley)
        let s = try stage(perf)
        var out = OperatorOutput()
        s.process(labelled([(3, 2), (5, 5), (2.5, 4), (8, 10)]), from: .right, context: context(), into: &out)
        s.advance(context: context(watermark: 1000), into: &out)
        let m = try #require(try reports(out).first?.performance)
        #expect(m.mae == 1.125)
        #expect(abs(m.rmse! - 1.8125.squareRoot()) < 1e-15)
        #expect(m.accuracy == nil && m.auc == nil && m.threshold == nil)
    }

    @Test func aucHandlesTiesAndSingleClass() {
        #expect(PerformanceWindow.auc(scores: [0.5, 0.5], labels: [1, 0]) == 0.5)
        #expect(PerformanceWindow.auc(scores: [0.2, 0.5, 0.5, 0.9], labels: [0, 1, 0, 1]) == 0.875)
        #expect(PerformanceWindow.auc(scores: [0.2, 0.4], labels: [1, 1]) == nil)
    }

    @Test func storedPairsAreCappedByReservoirSampling() {
        var w = PerformanceWindow(isRegression: false, threshold: 0.5, maxStoredPairs: 100, seed: 1)
        var rng = TestRandom(seed: 2)
        for _ in 0..<10_000 {
            let y: Double = rng.uniform() < 0.5 ? 1 : 0
            _ = w.add(prediction: min(1, max(0, y * 0.3 + rng.uniform() * 0.7)), label: y)
        }
        #expect(w.scores.count == 100 && w.labels.count == 100)
        let m = w.metrics([.auc, .accuracy])
        #expect(m.aucSampled == true && m.n == 10_000)
        // The true AUC is 1 − (4/7)²/2 ≈ 0.837; the 100-pair sample estimates it roughly.
        #expect(abs(m.auc! - 0.837) < 0.12, "\(m.auc!)")
    }

    @Test func ddmAlarmsOnDegradingErrorStreamAndTriggersRollback() throws {
        let perf = DriftOperatorConfig.Performance(from: "joined", label: "label", prediction: "score", metrics: [.accuracy], detector: .ddm)
        var calls: [(String, String)] = []
        let s = try stage(perf, onDrift: .init(publishTopic: "retrain", rollback: "score-model", cooldownMs: 10_000)) { calls.append(($0, $1)) }
        // 10 % errors for 500 records, then 60 %.
        let pairs: [(Double, Double)] = (0..<1000).map { i in
            let wrong = i < 500 ? i % 10 == 0 : i % 5 < 3
            return (wrong ? 0.9 : 0.1, 0)
        }
        var out = OperatorOutput()
        s.process(labelled(pairs), from: .right, context: context(), into: &out)
        s.advance(context: context(watermark: 1000), into: &out)
        let r = try #require(try reports(out).first).report
        let drift = r.detectorAlarms.filter { $0.signal == .drift }
        #expect(!drift.isEmpty)
        #expect(drift.allSatisfy { $0.detector == "DDM" && $0.metric == "error_rate" && $0.index >= 500 })
        #expect(!r.datasetDrift)
        #expect(calls.count == 1 && calls[0].0 == "score-model")
        #expect(calls.first?.1.contains("DDM drift alarm on error_rate") == true)
        let request = try #require(out.published.first { $0.topic == "retrain" })
        let json = try JSONSerialization.jsonObject(with: Data(request.value)) as? [String: Any]
        #expect(json?["type"] as? String == "retrain_request" && json?["model"] as? String == "score-model")
    }

    @Test func badPerformanceRecordsAreDeadLettered() throws {
        let perf = DriftOperatorConfig.Performance(from: "joined", label: "label", prediction: "score")
        let s = try stage(perf)
        var out = OperatorOutput()
        let recs = [Record(fields: ["score": 0.3]), Record(fields: ["score": 0.3, "label": 2]), Record(fields: ["score": "x", "label": 1]),
                    Record(fields: ["score": 0.3, "label": true])]
        s.process(recs, from: .right, context: context(), into: &out)
        #expect(out.deadLetters.map(\.error.code) == [.missingField, .outOfRange, .wrongType])
        #expect(s.metricsSnapshot().counters.invalidPerformanceRecords == 3)
    }
}
