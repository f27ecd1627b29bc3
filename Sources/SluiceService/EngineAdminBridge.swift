import Foundation
import SluiceCore
import SluiceEngine
import SluiceInference
import SluiceModels
import SluiceServer
import SluiceTopology

/// The admin API's view of a running engine.
public struct EngineAdminBridge: EngineControl {
    let engine: Engine
    let topology: Topology

    public init(engine: Engine, topology: Topology) {
        self.engine = engine
        self.topology = topology
    }

    public func topologyStatus() async -> TopologyStatus {
        let s = engine.statusSnapshot
        let state: TopologyState =
            s.restoring ? .restoring : (TopologyState(rawValue: s.state) ?? (s.state == "stopped" ? .stopping : .running))
        return TopologyStatus(
            name: s.topology, version: s.version, state: state,
            partitions: s.partitions.map {
                PartitionStatus(topic: $0.topic, partition: $0.partition, committedOffset: $0.committedOffset, position: nil,
                                highWatermark: $0.lag >= 0 ? $0.committedOffset + $0.lag : nil, lag: $0.lag >= 0 ? $0.lag : nil,
                                restoring: $0.restoring, watermarkMs: $0.watermark)
            })
    }

    public func graph(format: GraphFormat) async throws -> String {
        engine.graph(format: GraphRenderer.Format(rawValue: format.rawValue) ?? .text)
    }

    public func readiness() async -> Readiness {
        let s = engine.statusSnapshot
        if s.restoring { return Readiness(ready: false, reason: "restoring state") }
        if s.state != "running" && s.state != "paused" { return Readiness(ready: false, reason: s.state) }
        return .ready
    }

    public func lookupState(operator id: String, key: String) async throws -> Value? {
        do {
            return try await engine.perform { try $0.lookup(operatorID: id, key: key) }.map { Value.object($0) }
        } catch let error as EngineError {
            throw EngineControlError(.notFound, error.message)
        }
    }

    public func predict(model name: String, features: Fields, entityKey: String?) async throws -> Fields {
        guard let target = engine.modelTargets.first(where: { $0.model == name }) else {
            throw EngineControlError(.notFound, "no model named '\(name)' is used by this topology")
        }
        var input = Fields()
        if let entityKey {
            // Online features of the entity, from every features operator; the request's own fields win.
            for op in topology.operators where op.kind == .features {
                if let online = try await engine.perform({ try $0.lookup(operatorID: op.id, key: entityKey) }) {
                    for f in online { input[f.name] = f.value }
                }
            }
        }
        for f in features { input[f.name] = f.value }
        let deployment = try target.registry.deployment(name).current
        let model = deployment.active.model
        var row = [Double](repeating: .nan, count: model.featureNames.count)
        for (i, feature) in model.featureNames.enumerated() {
            switch input[feature] {
            case .int(let v)?: row[i] = Double(v)
            case .double(let v)?: row[i] = v
            case .bool(let b)?: row[i] = b ? 1 : 0
            case nil, .null?: break
            case let other?:
                throw EngineControlError(.invalidArgument, "feature '\(feature)' must be a number, got \(other.typeName)")
            }
        }
        let scores = model.score(row, rows: 1)
        var out = Fields()
        for (i, column) in model.outputNames.enumerated() { out[column] = .double(scores[i]) }
        out["model_name"] = .string(name)
        out["model_version"] = .string(deployment.active.version)
        return out
    }

    public func models() async -> [ModelStatus] {
        engine.modelTargets.compactMap { try? status(of: $0.registry, $0.model) }
    }

    public func activateModel(_ name: String, version: String) async throws -> ModelStatus {
        let registry = try registry(for: name)
        do { try registry.activate(name, version: version, by: "admin-api") } catch {
            throw EngineControlError(.invalidArgument, "\(error)")
        }
        return try status(of: registry, name)
    }

    public func rollbackModel(_ name: String) async throws -> ModelStatus {
        let registry = try registry(for: name)
        do { try registry.rollback(name, by: "admin-api") } catch { throw EngineControlError(.conflict, "\(error)") }
        return try status(of: registry, name)
    }

    public func triggerCheckpoint() async throws -> CheckpointResult {
        let start = ContinuousClock.now
        let (bytes, tasks) = try await engine.perform { try $0.checkpointNow() }
        let d = ContinuousClock.now - start
        return CheckpointResult(
            id: UInt64(engine.statusSnapshot.checkpoints), durationSeconds: Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18,
            bytes: Int64(bytes), partitions: tasks)
    }

    public func pauseSources() async throws { try await engine.perform { try $0.setSourcesPaused(true) } }
    public func resumeSources() async throws { try await engine.perform { try $0.setSourcesPaused(false) } }

    private func registry(for name: String) throws -> ModelRegistry {
        guard let target = engine.modelTargets.first(where: { $0.model == name }) else {
            throw EngineControlError(.notFound, "no model named '\(name)' is used by this topology")
        }
        return target.registry
    }

    private func status(of registry: ModelRegistry, _ name: String) throws -> ModelStatus {
        let state = try registry.state(of: name)
        let versions = try registry.list(name).map { ModelVersionInfo(version: $0.version, format: $0.format) }
        return ModelStatus(name: name, activeVersion: state?.active, previousVersion: state?.previous.last, versions: versions)
    }
}
