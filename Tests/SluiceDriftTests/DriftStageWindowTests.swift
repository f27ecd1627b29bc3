import Foundation
import SluiceCore
import SluiceStats
import Testing
@testable import SluiceDrift

@Suite struct DriftStageWindowTests {
    let features = ["a", "b", "c", "d"]

    @Test func countWindowsFlagShiftedFeaturesOnlyAfterTheShift() throws {
        let profile = try Synthetic.profile()
        let config = DriftOperatorConfig(topology: "t", operatorID: "drift", features: features, window: .count(2000), reportTopic: "reports")
        let stage = try DriftStage(config: config, profile: profile)
        var rng = TestRandom(seed: 42)
        var out = OperatorOutput()
        for w in 0..<10 {
            // Batches that do not line up with windows.
            let recs = Synthetic.records(&rng, count: 2000, shifted: w >= 5, start: Int64(w) * 2000)
            stage.process(Array(recs[..<700]), from: .main, context: context(), into: &out)
            stage.process(Array(recs[700...]), from: .main, context: context(), into: &out)
        }
        let rs = try reports(out).map(\.report)
        #expect(rs.count == 10)
        #expect(out.records.count == 10)
        for (i, r) in rs.enumerated() {
            #expect(r.n == 2000)
            #expect(r.windowStart == Int64(i) * 2000 && r.windowEnd == Int64(i) * 2000 + 2000)
            if i < 5 {
                #expect(!r.datasetDrift, "window \(i): \(r.driftedFeatures)")
                #expect(r.driftedFeatures.isEmpty, "window \(i): \(r.driftedFeatures)")
            } else {
                #expect(r.datasetDrift)
                #expect(r.driftedFeatures == ["a", "c"], "window \(i)")
            }
        }
        #expect(rs[0].features.first { $0.name == "a" }?.test == .wasserstein)
        #expect(rs[0].features.first { $0.name == "c" }?.test == .jensenShannon)
        #expect(out.published.allSatisfy { $0.key == Array("t/drift".utf8) })
        #expect(out.records[7]["dataset_drift"] == .bool(true))
    }

    @Test func tumblingWindowsCloseOnTheWatermark() throws {
        let profile = try Synthetic.profile()
        let config = DriftOperatorConfig(topology: "t", operatorID: "drift", features: features,
                                         window: .tumbling(sizeMs: 10_000), reportTopic: "reports")
        let stage = try DriftStage(config: config, profile: profile)
        var rng = TestRandom(seed: 7)
        var out = OperatorOutput()
        // 6 windows of 10 s with 2000 records each (one every 5 ms); the watermark lags by 3 s.
        for w in 0..<6 {
            let recs = Synthetic.records(&rng, count: 2000, shifted: w >= 3, start: Int64(w) * 10_000, step: 5,
                                         headers: [Header("sluice-model-version", "v\(w)")])
            for part in stride(from: 0, to: recs.count, by: 500) {
                stage.process(Array(recs[part..<part + 500]), from: .main, context: context(), into: &out)
                stage.advance(context: context(watermark: recs[part + 499].eventTime! - 3000), into: &out)
            }
        }
        var rs = try reports(out).map(\.report)
        #expect(rs.count == 5, "the last window stays open until the watermark passes 60 s")
        stage.advance(context: context(watermark: 60_000), into: &out)
        rs = try reports(out).map(\.report)
        #expect(rs.count == 6)
        for (i, r) in rs.enumerated() {
            #expect(r.windowStart == Int64(i) * 10_000 && r.windowEnd == Int64(i + 1) * 10_000)
            #expect(r.n == 2000)
            #expect(r.datasetDrift == (i >= 3), "window \(i): \(r.driftedFeatures)")
            #expect(r.topology == "t" && r.operator == "drift" && r.referenceProfileId == profile.id)
        }
        #expect(rs[5].modelVersion == "v5")
        // A record for a closed window is late, not counted.
        let late = Synthetic.records(&rng, count: 1, shifted: false, start: 15_000)
        stage.process(late, from: .main, context: context(), into: &out)
        #expect(out.late.count == 1)
        #expect(stage.metricsSnapshot().counters.lateRecords == 1)
    }

    @Test func oneMillionRecordWindowKeepsAccumulatorsBounded() throws {
        let profile = try Synthetic.profile()
        let config = DriftOperatorConfig(topology: "t", operatorID: "drift", features: features, window: .count(2_000_000))
        let stage = try DriftStage(config: config, profile: profile)
        var rng = TestRandom(seed: 3)
        var out = OperatorOutput()
        var footprints: [Int] = []
        for i in 0..<100 {
            let recs = Synthetic.records(&rng, count: 10_000, shifted: false, start: Int64(i) * 10_000)
            stage.process(recs, from: .main, context: context(), into: &out)
            if i == 9 || i == 99 { footprints.append(stage.windows.values.first!.accumulators.map(\.storageFootprint).reduce(0, +)) }
        }
        #expect(stage.windows.values.first!.rows == 1_000_000)
        #expect(out.records.isEmpty)
        // KLL grows by O(log n) levels only: 10× the records, far less than 2× the storage.
        #expect(footprints[1] < 2 * footprints[0], "\(footprints)")
        #expect(footprints[1] < 4 * 1000, "\(footprints)")
    }

    @Test func predictionFieldIsMonitoredWhenProfiled() throws {
        var rng = TestRandom(seed: 9)
        let ref = (0..<500).map { _ in Optional(rng.uniform() * 0.3) }
        let profile = try ProfileBuilder().build(numeric: ["fraud_score": ref, "amount": ref.map { $0.map { $0 * 100 } }])
        let config = DriftOperatorConfig(topology: "t", operatorID: "drift", features: ["amount"], window: .count(300),
                                         prediction: "fraud_score", reportTopic: "reports")
        let stage = try DriftStage(config: config, profile: profile)
        let recs = (0..<300).map { _ in Record(fields: ["amount": .double(rng.uniform() * 30), "fraud_score": .double(0.5 + rng.uniform() * 0.5)]) }
        var out = OperatorOutput()
        stage.process(recs, from: .main, context: context(), into: &out)
        let r = try #require(try reports(out).first).report
        #expect(r.features.map(\.name) == ["amount", "fraud_score"])
        #expect(r.driftedFeatures == ["fraud_score"])
    }

    @Test func perFeatureThresholdOverridesDecideDrift() throws {
        let profile = try Synthetic.profile()
        let tests = [DriftOperatorConfig.FeatureTest(feature: "b", test: .psi, threshold: 0), // any PSI > 0 drifts
                     DriftOperatorConfig.FeatureTest(feature: "a", test: .ks)]
        let config = DriftOperatorConfig(topology: "t", operatorID: "drift", features: features, window: .count(1000), tests: tests,
                                         driftShare: 0.25, reportTopic: "reports")
        let stage = try DriftStage(config: config, profile: profile)
        var rng = TestRandom(seed: 5)
        var out = OperatorOutput()
        stage.process(Synthetic.records(&rng, count: 1000, shifted: false, start: 0), from: .main, context: context(), into: &out)
        let r = try #require(try reports(out).first).report
        let b = try #require(r.features.first { $0.name == "b" })
        #expect(b.test == .psi && b.threshold == 0 && b.drifted)
        #expect(r.features.first { $0.name == "a" }?.test == .ks)
        #expect(r.datasetDrift && r.driftShare == 0.25)
    }

    static let badConfigs: [(DriftOperatorConfig, DriftError.Code)] = [
        (DriftOperatorConfig(topology: "t", operatorID: "d", features: ["a"], window: .count(0)), .invalidConfig),
        (DriftOperatorConfig(topology: "t", operatorID: "d", features: ["a"], window: .tumbling(sizeMs: -1)), .invalidConfig),
        (DriftOperatorConfig(topology: "t", operatorID: "d", features: ["nope"], window: .count(10)), .unknownFeature),
        (DriftOperatorConfig(topology: "t", operatorID: "d", features: ["c"], window: .count(10), tests: [.init(feature: "c", test: .ks)]), .invalidConfig),
        (DriftOperatorConfig(topology: "t", operatorID: "d", features: ["a"], window: .count(10), driftShare: 2), .invalidConfig),
        (DriftOperatorConfig(topology: "t", operatorID: "d", features: ["a"], window: .count(10),
                             performance: .init(from: "j", label: "y", prediction: "p", detectorParams: ["bogus": 1])), .invalidConfig),
    ]

    @Test(arguments: badConfigs)
    func invalidConfigurationsAreRejected(_ config: DriftOperatorConfig, _ code: DriftError.Code) throws {
        let profile = try Synthetic.profile(n: 200)
        let error = #expect(throws: DriftError.self) { try DriftStage(config: config, profile: profile) }
        #expect(error?.code == code)
    }
}
