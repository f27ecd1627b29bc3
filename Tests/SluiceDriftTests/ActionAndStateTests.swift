import Foundation
import SluiceCore
import SluiceStats
import Testing
@testable import SluiceDrift

@Suite struct ActionAndStateTests {
    @Test func coolDownSuppressesActionsInsideItInEventTime() throws {
        let profile = try Synthetic.profile()
        let config = DriftOperatorConfig(topology: "t", operatorID: "drift", features: ["a", "b", "c", "d"], window: .tumbling(sizeMs: 1000),
                                         reportTopic: "reports", onDrift: .init(publishTopic: "retrain", rollback: "infer", cooldownMs: 2500))
        var reasons: [String] = []
        let stage = try DriftStage(config: config, profile: profile) { id, reason in reasons.append("\(id): \(reason)") }
        var rng = TestRandom(seed: 11)
        var out = OperatorOutput()
        // Four drifted windows ending at 1000, 2000, 3000, 4000: actions at 1000 and 4000 (>= 2500 ms apart).
        for w in 0..<4 {
            stage.process(Synthetic.records(&rng, count: 1000, shifted: true, start: Int64(w) * 1000), from: .main, context: context(), into: &out)
            stage.advance(context: context(watermark: Int64(w + 1) * 1000), into: &out)
        }
        let rs = try reports(out).map(\.report)
        #expect(rs.count == 4 && rs.allSatisfy(\.datasetDrift))
        let requests = out.published.filter { $0.topic == "retrain" }
        #expect(requests.count == 2)
        let first = try JSONDecoder().decode(RetrainRequest.self, from: Data(requests[0].value))
        #expect(first.windowEnd == 1000 && first.model == "infer" && first.driftedFeatures == ["a", "c"] && first.reportId == rs[0].reportId)
        #expect(try JSONDecoder().decode(RetrainRequest.self, from: Data(requests[1].value)).windowEnd == 4000)
        #expect(reasons.count == 2 && reasons[0].hasPrefix("infer: dataset drift: 2 of 4 features drifted (a, c)"))
        let c = stage.metricsSnapshot().counters
        #expect(c.actions == 2 && c.suppressedActions == 2)
    }

    /// Feeds 1.5 windows, optionally checkpointing and restoring into a fresh stage halfway, then the rest.
    func run(restart: Bool) throws -> (OperatorOutput, DriftStage) {
        let profile = try Synthetic.profile()
        // The detector restarts after a restore (documented), so it must not alarm here: DDM with a long warm start.
        let perf = DriftOperatorConfig.Performance(from: "j", label: "label", prediction: "score", metrics: [.auc, .accuracy, .logLoss],
                                                   detector: .ddm, detectorParams: ["warm_start": 1000])
        let config = DriftOperatorConfig(topology: "t", operatorID: "drift", features: ["a", "b", "c", "d"], window: .count(3000),
                                         performance: perf, reportTopic: "reports", onDrift: .init(publishTopic: "retrain", cooldownMs: 0),
                                         maxNewCategories: 2)
        var stage = try DriftStage(config: config, profile: profile)
        var rng = TestRandom(seed: 21)
        var out = OperatorOutput()
        let main = Synthetic.records(&rng, count: 6000, shifted: true, start: 0, headers: [Header("sluice-model-version", "v7")])
            .enumerated().map { i, r in
                var r = r
                if i % 97 == 0 { r["c"] = .string("new\(i % 5)") }   // new categories, some beyond maxNewCategories
                if i % 89 == 0 { r["b"] = nil }                      // missing values
                return r
            }
        let labelled = (0..<400).map { i in
            Record(fields: ["score": .double(rng.uniform()), "label": .int(Int64(i % 3 == 0 ? 1 : 0))], eventTime: Int64(i))
        }
        stage.process(Array(main[0..<4000]), from: .main, context: context(), into: &out)
        stage.process(Array(labelled[0..<200]), from: .right, context: context(), into: &out)
        if restart {
            let store = MemoryStore()
            try stage.saveState(into: store)
            stage = try DriftStage(config: config, profile: profile)
            try stage.loadState(from: store)
        }
        stage.process(Array(labelled[200...]), from: .right, context: context(), into: &out)
        stage.process(Array(main[4000...]), from: .main, context: context(), into: &out)
        return (out, stage)
    }

    @Test func restoringMidWindowGivesTheSameReportAsNoRestart() throws {
        let (plain, plainStage) = try run(restart: false)
        let (restored, restoredStage) = try run(restart: true)
        let a = try reports(plain), b = try reports(restored)
        #expect(a.count == 2 && b.count == 2)
        #expect(a == b)
        #expect(a[1].report.modelVersion == "v7")
        #expect(a[1].report.features.first { $0.name == "c" }?.newCategories?.isEmpty == false)
        #expect(a[0].performance?.n == 0 && a[1].performance?.n == 400)
        #expect(plain.published.filter { $0.topic == "retrain" }.count == restored.published.filter { $0.topic == "retrain" }.count)
        #expect(plainStage.metricsSnapshot().counters == restoredStage.metricsSnapshot().counters)
        #expect(restoredStage.lookup(key: Array("t/drift".utf8))?["reports"] == .int(2))
        #expect(restoredStage.lookup(key: Array("other".utf8)) == nil)
    }

    @Test func accumulatorRoundTripIsExact() throws {
        let profile = try Synthetic.profile()
        var rng = TestRandom(seed: 4)
        var num = WindowAccumulator(profile: profile.feature("a")!, sketchK: 64)
        var cat = WindowAccumulator(profile: profile.feature("c")!, maxNewCategories: 3)
        for i in 0..<50_000 {
            num.add(i % 50 == 0 ? .nan : rng.normal())
            cat.add(category: i % 40 == 0 ? "n\(i % 7)" : (i % 33 == 0 ? nil : rng.pick(Synthetic.cats, Synthetic.before)))
        }
        for (acc, feature) in [(num, "a"), (cat, "c")] {
            var w = ByteWriter(magic: "TEST", version: 1)
            AccumulatorCodec.encode(acc, into: &w)
            var r = try ByteReader(w.bytes, magic: "TEST", supported: 1...1)
            // The config's limit (100) does not override the one the window was started with (3).
            let back = try AccumulatorCodec.decode(from: &r, profile: profile.feature(feature)!, maxNewCategories: 100)
            #expect(back == acc)
        }
        #expect(cat.otherNewCategoryCount > 0)
    }

    /// Checkpoints written by earlier builds (DRAC version 1: the accumulator's parts) still restore exactly.
    @Test func version1AccumulatorsStillRestore() throws {
        let profile = try Synthetic.profile()
        var rng = TestRandom(seed: 5)
        var cat = WindowAccumulator(profile: profile.feature("c")!, maxNewCategories: 3)
        for i in 0..<5000 { cat.add(category: i % 40 == 0 ? "n\(i % 7)" : (i % 33 == 0 ? nil : rng.pick(Synthetic.cats, Synthetic.before))) }
        var v1 = ByteWriter(magic: AccumulatorCodec.magic, version: 1)
        v1.raw(Array("c".utf8)); v1.raw(cat.histogram.serialized()); v1.raw(cat.sketch.serialized()); v1.raw(cat.moments.serialized())
        v1.i64(Int64(cat.missing)); v1.i64(Int64(cat.otherNewCategoryCount))
        let cats = cat.categoryCounts.sorted { $0.key < $1.key }
        v1.u64(UInt64(cats.count))
        for (name, n) in cats { v1.raw(Array(name.utf8)); v1.i64(Int64(n)) }
        var outer = ByteWriter(magic: "TEST", version: 1)
        outer.raw(v1.bytes)
        var r = try ByteReader(outer.bytes, magic: "TEST", supported: 1...1)
        #expect(try AccumulatorCodec.decode(from: &r, profile: profile.feature("c")!, maxNewCategories: 3) == cat)
        // The same bytes against another feature are refused, naming the feature.
        r = try ByteReader(outer.bytes, magic: "TEST", supported: 1...1)
        do {
            _ = try AccumulatorCodec.decode(from: &r, profile: profile.feature("a")!, maxNewCategories: 3)
            Issue.record("expected corruptState")
        } catch {
            #expect(error.code == .corruptState && error.message.contains("is for feature 'c'"))
        }
    }

    @Test func corruptStateIsRejected() throws {
        let profile = try Synthetic.profile(n: 300)
        let config = DriftOperatorConfig(topology: "t", operatorID: "drift", features: ["a"], window: .count(100))
        let stage = try DriftStage(config: config, profile: profile)
        let store = MemoryStore()
        var rng = TestRandom(seed: 1)
        var out = OperatorOutput()
        stage.process(Synthetic.records(&rng, count: 50, shifted: false, start: 0), from: .main, context: context(), into: &out)
        try stage.saveState(into: store)
        let key = try #require(store.data.keys.first { $0.starts(with: Array("window/".utf8)) })
        store.data[key]!.removeLast(3)
        #expect(throws: DriftError.self) { try DriftStage(config: config, profile: profile).loadState(from: store) }
    }

    @Test func windowsFromAnotherProfileAreDiscarded() throws {
        let config = DriftOperatorConfig(topology: "t", operatorID: "drift", features: ["a"], window: .count(100))
        let stage = try DriftStage(config: config, profile: try Synthetic.profile(n: 300, seed: 1))
        var rng = TestRandom(seed: 1)
        var out = OperatorOutput()
        stage.process(Synthetic.records(&rng, count: 50, shifted: false, start: 0), from: .main, context: context(), into: &out)
        let store = MemoryStore()
        try stage.saveState(into: store)
        let other = try DriftStage(config: config, profile: try Synthetic.profile(n: 300, seed: 2))
        try other.loadState(from: store)
        #expect(other.windows.isEmpty)
        #expect(other.metricsSnapshot().counters.discardedWindows == 1)
    }
}
