import Foundation
import SluiceCore
import SluiceModels
import Testing
@testable import SluiceInference

@Suite("Infer operator")
struct InferOperatorTests {
    struct ParityCase: Sendable, CustomTestStringConvertible {
        let fixture: String
        let features: [String]
        let scoreColumn: String
        var testDescription: String { fixture }
    }

    @Test("scores equal ModelLoader's, in any batch size", arguments: [
        ParityCase(fixture: "logistic", features: Fixtures.linearFeatures, scoreColumn: "probability"),
        ParityCase(fixture: "linear", features: Fixtures.linearFeatures, scoreColumn: "prediction"),
        ParityCase(fixture: "xgb_binary", features: Fixtures.treeFeatures, scoreColumn: "probability"),
        ParityCase(fixture: "onnx_gb_classifier", features: Fixtures.treeFeatures, scoreColumn: "prob_1"),
    ], [7, 256])
    func parity(_ c: ParityCase, batchMax: Int) throws {
        let path = Fixtures.modelFile(c.fixture)
        let model = try ModelLoader.load(contentsOf: path, featureNames: c.features)
        let records = Fixtures.records(c.fixture)
        let expected = directScores(model, records)
        let column = try #require(model.outputNames.firstIndex(of: c.scoreColumn))
        // Config lists the features in another order than the model: columns follow the model.
        // (ONNX files know only a tensor width, so there the config order *is* the column order.)
        let features = path.hasSuffix(".onnx") ? c.features : c.features.reversed()
        let op = try InferOperator(config: InferConfig(
            id: "score", model: .file(path), features: features,
            output: .init(score: "s", label: "l", threshold: 0.5, probabilitiesPrefix: "p_"), batchMax: batchMax))
        var out = OperatorOutput()
        op.process(records, from: .main, context: Fixtures.context, into: &out)
        #expect(out.records.count == records.count && out.deadLetters.isEmpty)
        for (i, r) in out.records.enumerated() {
            let score = expected[i][column]
            #expect(r["s"] == .double(score))
            #expect(r["l"] == .int(score >= 0.5 ? 1 : 0))
            #expect(r["event_id"] == .string("e\(i)"))
            if model.outputNames.contains("probability") || model.outputNames.contains("prob_0") {
                #expect(r["p_1"] == .double(score))
            }
        }
        #expect(op.scoredByVersion.values.reduce(0, +) == records.count)
    }

    @Test("headers name the model version and checksum; the model's own label is used without threshold")
    func headersAndModelLabel() throws {
        let registry = try Fixtures.logisticRegistry()
        try registry.activate("fraud", version: "v2", by: "alice")
        let op = try InferOperator(config: InferConfig(id: "score", model: .registry(registry, name: "fraud"),
                                                       features: Fixtures.linearFeatures,
                                                       output: .init(score: "fraud_score", label: "is_fraud")))
        let records = Array(Fixtures.records("logistic").prefix(20))
        var out = OperatorOutput()
        op.process(records, from: .main, context: Fixtures.context, into: &out)
        let v2 = try registry.load("fraud", version: "v2")
        let expected = directScores(v2.model, records)
        for (i, r) in out.records.enumerated() {
            #expect(Fixtures.header(r, ModelHeaders.name) == "fraud")
            #expect(Fixtures.header(r, ModelHeaders.version) == "v2")
            #expect(Fixtures.header(r, ModelHeaders.sha256) == v2.sha256)
            #expect(r["is_fraud"] == .int(Int64(expected[i][2])))
        }
        #expect(op.scoredByVersion == ["v2": 20])
    }

    @Test("non-numeric features are dead letters naming the field; missing and null are NaN")
    func badAndMissingValues() throws {
        let op = try InferOperator(config: InferConfig(id: "score", model: .file(Fixtures.modelFile("linear")),
                                                       features: Fixtures.linearFeatures))
        var records = Array(Fixtures.records("linear").prefix(4))
        records[1]["hour"] = .string("noon")
        records[2]["amount"] = nil
        records[3]["distance_km"] = .null
        var out = OperatorOutput()
        op.process(records, from: .main, context: Fixtures.context, into: &out)
        #expect(out.deadLetters.count == 1)
        #expect(out.deadLetters.first?.error.code == .wrongType)
        #expect(out.deadLetters.first?.error.field == "hour")
        #expect(out.records.map { $0["event_id"] } == [.string("e0"), .string("e2"), .string("e3")])
        // The linear model propagates NaN: the score is null, not a number.
        #expect(out.records[1]["score"] == .null && out.records[2]["score"] == .null)
        #expect(out.records[0]["score"]?.asDouble != nil)
        #expect(op.deadLettered == 1 && op.scoredByVersion.values.reduce(0, +) == 3)
    }

    @Test("configured features that differ from the model's are named at construction")
    func featureMismatch() throws {
        var features = Fixtures.linearFeatures.filter { $0 != "hour" }
        features.append("hour_of_day")
        let error = #expect(throws: InferenceError.self) {
            try InferOperator(config: InferConfig(id: "score", model: .file(Fixtures.modelFile("logistic")), features: features))
        }
        #expect(error?.code == .featureMismatch)
        #expect(error?.message.contains("[\"hour\"]") == true && error?.message.contains("hour_of_day") == true)
        #expect(throws: InferenceError.self) {
            try InferOperator(config: InferConfig(id: "score", model: .file(Fixtures.modelFile("logistic")),
                                                  features: Fixtures.linearFeatures, output: .init(threshold: 0.5)))
        }
    }

    @Test("canary routes the share of keys to the candidate, stickily per key")
    func canaryShare() throws {
        let registry = try Fixtures.logisticRegistry()
        try registry.activate("fraud", version: "v1", by: "alice")
        try registry.startCanary("fraud", version: "v2", share: 0.1, by: "alice")
        let op = try InferOperator(config: InferConfig(id: "score", model: .registry(registry, name: "fraud"),
                                                       features: Fixtures.linearFeatures, batchMax: 512))
        let template = Fixtures.records("logistic")[0]
        let n = 10_000
        let records = (0..<n).map { i -> Record in
            var r = template
            r.key = Array("user-\(i)".utf8)
            return r
        }
        var first = OperatorOutput()
        op.process(records, from: .main, context: Fixtures.context, into: &first)
        var second = OperatorOutput()
        op.process(records.reversed(), from: .main, context: Fixtures.context, into: &second)
        let versionOf = Dictionary(uniqueKeysWithValues: first.records.map { ($0.key!, Fixtures.header($0, ModelHeaders.version)!) })
        let candidates = versionOf.values.filter { $0 == "v2" }.count
        let sigma = (Double(n) * 0.1 * 0.9).squareRoot()
        #expect(abs(Double(candidates) - 1000) <= 4 * sigma, "candidate share \(candidates)")
        #expect(second.records.allSatisfy { versionOf[$0.key!] == Fixtures.header($0, ModelHeaders.version) })
        #expect(op.scoredByVersion["v2"] == 2 * candidates && op.scoredByVersion["v1"] == 2 * (n - candidates))
        // The candidate really scored its rows: v2's intercept is one higher.
        let v1 = first.records.first { Fixtures.header($0, ModelHeaders.version) == "v1" }!["score"]!.asDouble!
        let v2 = first.records.first { Fixtures.header($0, ModelHeaders.version) == "v2" }!["score"]!.asDouble!
        #expect(v2 > v1)
    }

    @Test("shadow scores with both versions; main output carries the active score")
    func shadow() throws {
        let registry = try Fixtures.logisticRegistry()
        try registry.activate("fraud", version: "v1", by: "alice")
        try registry.startShadow("fraud", version: "v3", by: "alice")
        let op = try InferOperator(config: InferConfig(id: "score", model: .registry(registry, name: "fraud"),
                                                       features: Fixtures.linearFeatures,
                                                       output: .init(score: "p", label: "y", threshold: 0.5)))
        let records = Array(Fixtures.records("logistic").prefix(50))
        var out = OperatorOutput()
        op.process(records, from: .main, context: Fixtures.context, into: &out)
        let v1 = directScores(try registry.load("fraud", version: "v1").model, records)
        let v3 = directScores(try registry.load("fraud", version: "v3").model, records)
        let shadow = out.named[InferOperator.shadowOutput] ?? []
        #expect(out.records.count == 50 && shadow.count == 50)
        for i in 0..<50 {
            #expect(out.records[i]["p"] == .double(v1[i][1]))
            #expect(Fixtures.header(out.records[i], ModelHeaders.version) == "v1")
            let s = shadow[i]
            #expect(s["key"] == .string("k\(i)"))
            #expect(s["active_version"] == .string("v1") && s["shadow_version"] == .string("v3"))
            #expect(s["active_score"] == .double(v1[i][1]) && s["shadow_score"] == .double(v3[i][1]))
            #expect(s["shadow_label"] == .int(v3[i][1] >= 0.5 ? 1 : 0))
        }
        #expect(op.scoredByVersion == ["v1": 50, "v3": 50])
    }
}
