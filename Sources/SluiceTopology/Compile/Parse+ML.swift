import SluiceCore

extension TopologyParser {
    // MARK: infer

    func modelVersion(_ s: YScalar, context: String) -> ModelSpec.Version? {
        if s.text == "active" { return .active }
        if s.text.hasPrefix("v"), let n = Int(s.text.dropFirst()), n > 0 { return .number(n) }
        if case .int(let n) = s.resolved, n > 0 { return .number(Int(n)) }
        reporter.error(DiagnosticCode.invalidValue, at: s.location, "invalid model version '\(s.text)' in \(context)",
                       hint: "write 'active' or a version such as v3")
        return nil
    }

    func infer(_ m: MapReader, _ c: OperatorCommon) -> InferOperator? {
        var model: ModelSpec?
        if let mm = m.mapping("model", context: "model of \(m.context)", allowed: ["path", "registry", "name", "version"], required: true) {
            if let path = mm.path("path") {
                if mm.has("registry") { reporter.error(DiagnosticCode.invalidValue, at: mm.keyLocation("registry"), "give either 'path' or 'registry' in \(mm.context), not both") }
                model = ModelSpec(origin: .file(path.value), location: path.location)
            } else if let dir = mm.path("registry") {
                let version = mm.scalar("version").flatMap { modelVersion($0, context: mm.context) } ?? .active
                let name = mm.string("name")?.value ?? (dir.value as NSString).lastPathComponent
                model = ModelSpec(origin: .registry(directory: dir.value, name: name, version: version), location: dir.location)
            } else {
                mm.missing("path", hint: "a model file (path: models/fraud.json) or a registry (registry: models/fraud, version: active)")
            }
        }
        var output = InferOperator.Output(score: "score", label: nil, threshold: 0.5, probabilitiesPrefix: nil)
        if let o = m.mapping("output", context: "output of \(m.context)", allowed: ["score", "label", "threshold", "probabilities"]) {
            output.score = o.string("score")?.value ?? output.score
            output.label = o.string("label")?.value
            output.threshold = o.double("threshold", in: 0...1) ?? output.threshold
            output.probabilitiesPrefix = o.string("probabilities")?.value
        }
        var batchMax = 256, batchWait: Int64 = 2
        if let b = m.mapping("batch", context: "batch of \(m.context)", allowed: ["max", "max_wait"]) {
            batchMax = b.int("max", min: 1) ?? batchMax
            batchWait = b.duration("max_wait", positive: false) ?? batchWait
        }
        var rollout: InferOperator.Rollout?
        if let r = m.mapping("rollout", context: "rollout of \(m.context)", allowed: ["strategy", "candidate", "share", "shadow_topic"]) {
            let strategy: InferOperator.Rollout.Strategy? = r.choice("strategy", required: true)
            let candidate = r.scalar("candidate").flatMap { modelVersion($0, context: r.context) }
            let share = r.double("share", in: 0...1)
            if let strategy {
                if candidate == nil, !r.has("candidate") { r.missing("candidate", hint: "the model version to roll out, e.g. candidate: v8") }
                if strategy == .canary, share == nil, !r.has("share") { r.missing("share", hint: "the share of keys scored by the candidate, e.g. share: 0.1") }
                if strategy != .canary, r.has("share") { reporter.warning(DiagnosticCode.unknownKey, at: r.keyLocation("share"), "'share' has no effect with strategy \(strategy.rawValue)") }
                if strategy != .shadow, r.has("shadow_topic") { reporter.warning(DiagnosticCode.unknownKey, at: r.keyLocation("shadow_topic"), "'shadow_topic' has no effect with strategy \(strategy.rawValue)") }
                if let model, case .file = model.origin {
                    reporter.error(DiagnosticCode.invalidValue, at: r.location, "rollout in \(m.context) needs a model registry",
                                   hint: "candidates are registry versions: model: {registry: models/fraud, version: active}")
                }
                rollout = .init(strategy: strategy, candidate: candidate, share: share, shadowTopic: r.string("shadow_topic")?.value)
            }
        }
        let features = m.stringList("features") ?? []
        guard let model else { return nil }
        return InferOperator(common: c, model: model, features: features, output: output, batchMax: batchMax, batchMaxWaitMs: batchWait,
                             rollout: rollout, controlTopic: m.string("control_topic")?.value)
    }

    // MARK: drift

    func drift(_ m: MapReader, _ c: OperatorCommon) -> DriftOperator? {
        let reference = m.path("reference", required: true)
        if let reference { _ = checkFile(reference, purpose: .driftProfile) }
        let features = m.stringList("features", required: true) ?? []
        let window = self.window(m, "window", allowedKinds: ["tumbling", "count"])
        if !m.has("window") { m.missing("window", hint: "window: {tumbling: 5m} or window: {count: 1000}") }
        var tests: [DriftOperator.FeatureTest] = []
        for (name, value) in m.namedEntries("tests") ?? [] {
            if !features.contains(where: { $0.value == name.text }) {
                reporter.error(DiagnosticCode.unknownField, at: name.location, "test for '\(name.text)' which is not in the features of \(m.context)",
                               hint: Suggest.hint(for: name.text, in: features.map(\.value)))
            }
            guard let t = m.child(value, context: "test of '\(name.text)' in \(m.context)", allowed: ["test", "threshold"]),
                  let kind: DriftOperator.Test = t.choice("test", required: true) else { continue }
            tests.append(.init(feature: name.text, test: kind, threshold: t.double("threshold") ?? Self.defaultThreshold(kind)))
        }
        var performance: DriftOperator.Performance?
        if let p = m.mapping("performance", context: "performance of \(m.context)", allowed: ["from", "label", "prediction", "metrics", "detector"]) {
            let from = p.string("from", required: true), label = p.string("label", required: true), prediction = p.string("prediction", required: true)
            var metrics: [DriftOperator.Metric] = []
            if let n = p.node("metrics") {
                let items: [YNode] = if case .sequence(let s, _) = n { s } else { [n] }
                for item in items {
                    if case .scalar(let s) = item, let metric: DriftOperator.Metric = MapReader.choice(s, key: "metric", context: p.context, reporter: reporter) { metrics.append(metric) }
                }
            }
            let detector: DriftOperator.Detector = p.choice("detector") ?? .adwin
            if let from, let label, let prediction {
                performance = .init(from: StreamRef(parsing: from.value, at: from.location), label: label, prediction: prediction,
                                    metrics: metrics.isEmpty ? [.auc] : metrics, detector: detector)
            }
        }
        var onDrift: DriftOperator.OnDrift?
        if let o = m.mapping("on_drift", context: "on_drift of \(m.context)", allowed: ["publish", "rollback", "cooldown"]) {
            onDrift = .init(publishTopic: o.string("publish")?.value, rollback: o.string("rollback"), cooldownMs: o.duration("cooldown") ?? 3_600_000)
        }
        let report = m.string("report")?.value
        if report == nil, onDrift?.publishTopic == nil {
            reporter.warning(DiagnosticCode.missingKey, at: m.location, "\(m.context) publishes its reports nowhere", hint: "add report: <topic>")
        }
        guard let reference, let window else { return nil }
        return DriftOperator(common: c, reference: reference.value, features: features, window: window, tests: tests,
                             driftShare: m.double("drift_share", in: 0...1) ?? 0.5, prediction: m.string("prediction"),
                             performance: performance, reportTopic: report, onDrift: onDrift)
    }

    /// Customary decision thresholds: p-value for KS and chi-square, distance for the others.
    static func defaultThreshold(_ test: DriftOperator.Test) -> Double {
        switch test {
        case .ks, .chi2: 0.05
        case .psi: 0.2
        case .js: 0.1
        case .wasserstein: 0.1
        }
    }
}

import Foundation
