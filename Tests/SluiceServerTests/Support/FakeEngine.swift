import SluiceCore
import SluiceServer

/// An in-memory `EngineControl` that records what the server asked of it.
actor FakeEngine: EngineControl {
    var ready = Readiness.ready
    var state: [String: [String: Value]] = ["fraud-window": ["user-1": .object(["count": 3, "sum": 120.5])]]
    var modelStatus = ModelStatus(
        name: "fraud", activeVersion: "v2", previousVersion: "v1",
        versions: [ModelVersionInfo(version: "v1", format: "logistic"), ModelVersionInfo(version: "v2", format: "logistic")])
    private(set) var predictCalls: [(model: String, features: Fields, entityKey: String?)] = []
    private(set) var paused = false
    private(set) var checkpoints: UInt64 = 0

    func setReady(_ readiness: Readiness) { ready = readiness }

    func topologyStatus() async -> TopologyStatus {
        TopologyStatus(
            name: "fraud-detection", version: "3", state: ready.ready ? (paused ? .paused : .running) : .restoring,
            partitions: [
                PartitionStatus(topic: "payments", partition: 0, committedOffset: 90, position: 100, highWatermark: 130,
                                lag: 30, restoring: !ready.ready),
                PartitionStatus(topic: "payments", partition: 1, committedOffset: 10, position: 12, highWatermark: 12,
                                lag: 0, restoring: false),
            ])
    }

    func graph(format: GraphFormat) async throws -> String {
        switch format {
        case .text: "payments -> validate -> score -> alerts"
        case .dot: "digraph { payments -> validate }"
        case .mermaid: "graph LR; payments-->validate"
        }
    }

    func readiness() async -> Readiness { ready }

    func lookupState(operator: String, key: String) async throws -> Value? {
        guard let store = state[`operator`] else {
            throw EngineControlError(.notFound, "no stateful operator '\(`operator`)'", context: ["operator": `operator`])
        }
        return store[key]
    }

    func predict(model: String, features: Fields, entityKey: String?) async throws -> Fields {
        guard model == modelStatus.name else { throw EngineControlError(.notFound, "no model '\(model)'") }
        predictCalls.append((model, features, entityKey))
        // Echo a feature back so tests can see what reached the engine.
        return ["score": 0.87, "echo_amount": features["amount"] ?? .null, "entity": entityKey.map { .string($0) } ?? .null]
    }

    func models() async -> [ModelStatus] { [modelStatus] }

    func activateModel(_ name: String, version: String) async throws -> ModelStatus {
        guard name == modelStatus.name else { throw EngineControlError(.notFound, "no model '\(name)'") }
        guard modelStatus.versions.contains(where: { $0.version == version }) else {
            throw EngineControlError(.notFound, "model \(name) has no version '\(version)'", context: ["version": version])
        }
        modelStatus.previousVersion = modelStatus.activeVersion
        modelStatus.activeVersion = version
        return modelStatus
    }

    func rollbackModel(_ name: String) async throws -> ModelStatus {
        guard name == modelStatus.name else { throw EngineControlError(.notFound, "no model '\(name)'") }
        guard let previous = modelStatus.previousVersion else {
            throw EngineControlError(.conflict, "model \(name) has no previous version to roll back to")
        }
        modelStatus.previousVersion = modelStatus.activeVersion
        modelStatus.activeVersion = previous
        return modelStatus
    }

    func triggerCheckpoint() async throws -> CheckpointResult {
        checkpoints += 1
        return CheckpointResult(id: checkpoints, durationSeconds: 0.25, bytes: 4096, partitions: 2)
    }

    func pauseSources() async throws { paused = true }
    func resumeSources() async throws { paused = false }
}
