import SluiceCore
import SluiceDrift
import SluiceTopology

/// Maps a topology's `drift` operator onto the drift stage, loading its reference profile and connecting its
/// rollback action to the model registry of the named `infer` operator.
enum DriftStageFactory {
    static func make(_ d: SluiceTopology.DriftOperator, topology: Topology, resources: OperatorResources) throws -> DriftStage {
        let window: DriftOperatorConfig.Window
        switch d.window {
        case .tumbling(let size): window = .tumbling(sizeMs: size)
        case .count(let n): window = .count(n)
        default:
            throw EngineError("\(d.common.location): drift operator '\(d.common.id)' supports tumbling (time) or count windows")
        }
        let performance = d.performance.map { p in
            DriftOperatorConfig.Performance(
                from: p.from.description, label: p.label.value, prediction: p.prediction.value,
                metrics: p.metrics.compactMap { DriftOperatorConfig.Metric(rawValue: $0.rawValue) },
                detector: DriftOperatorConfig.Detector(rawValue: p.detector.rawValue) ?? .adwin)
        }
        let onDrift = d.onDrift.map {
            DriftOperatorConfig.OnDrift(publishTopic: $0.publishTopic, rollback: $0.rollback?.value, cooldownMs: $0.cooldownMs)
        }
        let config = DriftOperatorConfig(
            topology: topology.metadata.name, operatorID: d.common.id, features: d.features.map(\.value), window: window,
            tests: d.tests.compactMap { t in
                DriftOperatorConfig.Test(rawValue: t.test.rawValue).map { DriftOperatorConfig.FeatureTest(feature: t.feature, test: $0, threshold: t.threshold) }
            },
            driftShare: d.driftShare, prediction: d.prediction?.value, performance: performance, reportTopic: d.reportTopic,
            onDrift: onDrift)
        let profile = try DriftCLI.loadProfile(path: d.reference)
        return try DriftStage(config: config, profile: profile) { [resources] operatorID, reason in
            resources.rollback(inferOperator: operatorID, reason: reason)
        }
    }
}
