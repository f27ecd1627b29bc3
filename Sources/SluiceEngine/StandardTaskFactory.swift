import Foundation
import Logging
import SluiceCore
import SluiceExpressions
import SluiceFormats
import SluiceInference
import SluiceJoins
import SluiceOperators
import SluiceTopology

/// Builds every operator kind of a topology, its source decoders and sink encoders.
///
/// Shared, long-lived pieces (model registries, deployment cells) are created once per engine and handed to
/// each partition task's operator instances, so a model switch reaches every task at its next batch.
final class OperatorResources: @unchecked Sendable {
    let topology: Topology
    let logger: Logger
    private let lock = NSLock()
    private var registries: [String: ModelRegistry] = [:]
    /// Infer operator id → (registry, model name), for rollback hooks and control messages.
    private(set) var inferTargets: [String: (ModelRegistry, String)] = [:]

    /// Offline runs (backfill, `state get`) never change a registry: no rollout start, no rollback.
    let offline: Bool

    init(topology: Topology, logger: Logger, offline: Bool = false) {
        self.topology = topology
        self.logger = logger
        self.offline = offline
    }

    func registry(at directory: String) -> ModelRegistry {
        lock.withLock {
            if let r = registries[directory] { return r }
            let r = ModelRegistry(root: directory)
            registries[directory] = r
            return r
        }
    }

    func noteInferTarget(_ id: String, _ registry: ModelRegistry, _ name: String) {
        lock.withLock { inferTargets[id] = (registry, name) }
    }

    /// Rolls back the model behind an infer operator (the drift operator's `on_drift.rollback`).
    func rollback(inferOperator id: String, reason: String) {
        if offline {
            logger.notice("drift would roll back '\(id)' (\(reason)); offline runs leave the registry unchanged")
            return
        }
        guard let (registry, name) = lock.withLock({ inferTargets[id] }) else {
            logger.warning("rollback requested for '\(id)', which does not use a model registry")
            return
        }
        do {
            let deployment = try registry.rollback(model: name, reason: reason)
            logger.notice("model rolled back", metadata: ["model": "\(name)", "active": "\(deployment.active.version)", "reason": "\(reason)"])
        } catch where error.code == .nothingToRollBack {
            // Drift keeps firing after an earlier rollback already reached the first version: nothing to undo.
            logger.notice("drift asked for a rollback, but '\(name)' is already at its first version", metadata: ["reason": "\(reason)"])
        } catch {
            logger.error("model rollback failed", metadata: ["model": "\(name)", "error": "\(error)"])
        }
    }
}

extension TaskFactory {
    /// The factory `sluice run` and `sluice backfill` use.
    static func standard(topology: Topology, resources: OperatorResources) throws -> TaskFactory {
        let deadLetters = DeadLetterBuilder(topology: topology)
        let defaultDLQ = "\(topology.processing.applicationID).dead-letters"
        var dlqByOperator: [String: String] = [:]
        for op in topology.operators { if case .validate(let v) = op, let t = v.deadLetter { dlqByOperator[op.id] = t } }
        var assigners: [String: EventTimeAssigner] = [:]
        for source in topology.sources { assigners[source.id] = EventTimeAssigner(source: source, processing: topology.processing) }
        let repartitionTopics = Set(DataflowPlan(topology: topology).repartitionTopics)

        return TaskFactory(
            makeOperator: { op, partition in try makeOperator(op, partition: partition, topology: topology, resources: resources) },
            makeDecoder: { nodeID in
                if let source = topology.source(nodeID) { return try SourceDecoderAdapter(SourceDecoder(source: source)) }
                if repartitionTopics.contains(nodeID) { return RepartitionCodec(topic: nodeID) }
                throw EngineError("no source named '\(nodeID)'")
            },
            makeEncoder: { nodeID in
                if let sink = topology.sinks.first(where: { $0.id == nodeID }) {
                    return try SinkEncoderAdapter(SinkEncoder(sink: sink, topology: topology), topic: sink.topic)
                }
                if let hash = nodeID.range(of: "#repartition-") {
                    let opID = String(nodeID[..<hash.lowerBound])
                    let side = String(nodeID[hash.upperBound...])
                    guard let op = topology.operator(opID) else { throw EngineError("no operator '\(opID)'") }
                    let repartition: Repartition? =
                        if case .join(let j) = op, side == "right" { j.rightRepartition } else { op.common.repartition }
                    guard let repartition else { throw EngineError("operator '\(opID)' has no repartition") }
                    return try RepartitionCodec(topic: repartition.topic, key: repartition.key)
                }
                throw EngineError("no sink named '\(nodeID)'")
            },
            makeDeadLetter: { record, error, operatorID in
                let message = deadLetters.build(record, error: error, operatorID: operatorID)
                return RoutedDeadLetter(
                    topic: dlqByOperator[operatorID] ?? defaultDLQ, key: message.key, value: message.value, headers: message.headers)
            },
            eventTimeAssigner: { assigners[$0] }
        )
    }

    static func makeOperator(_ op: SluiceTopologyOperator, partition: Int32, topology: Topology, resources: OperatorResources)
        throws -> any StreamOperator
    {
        if let stage = try StageFactory.makeStage(op) { return stage }
        switch op {
        case .infer(let infer): return try makeInfer(infer, resources: resources)
        case .dedupe(let d):
            guard let field = d.by.simpleField else {
                throw EngineError("\(d.by.location): dedupe 'by' must name a field (got '\(d.by.text)')")
            }
            return try DedupeOperator(config: DedupeConfig(id: d.common.id, field: field, ttl: d.ttlMs))
        case .join(let j):
            guard let on = j.leftKey.simpleField, j.rightKey.simpleField == on else {
                throw EngineError("\(j.common.location): join keys must be the same field on both sides (got '\(j.leftKey.text)' and '\(j.rightKey.text)')")
            }
            return try JoinOperator(config: JoinConfig(id: j.common.id, on: on, within: j.withinMs, emit: j.emit == .leftOuter ? .leftOuter : .matched))
        case .features(let f): return try FeaturesStage(f, topology: topology)
        case .drift(let d): return try DriftStageFactory.make(d, topology: topology, resources: resources)
        default: throw EngineError("operator '\(op.id)' of kind \(op.kind) has no implementation")
        }
    }

    static func makeInfer(_ infer: SluiceTopology.InferOperator, resources: OperatorResources) throws -> any StreamOperator {
        let source: InferConfig.ModelSource
        switch infer.model.origin {
        case .file(let path): source = .file(path)
        case .registry(let directory, let name, let version):
            let registry = resources.registry(at: registryRoot(directory, name: name))
            source = .registry(registry, name: name, version: version.description)
            resources.noteInferTarget(infer.common.id, registry, name)
            if let rollout = infer.rollout, let candidate = rollout.candidate, !resources.offline {
                let current = try registry.deployment(name).current
                switch rollout.strategy {
                case .canary where current.candidate?.version != candidate.description:
                    try registry.startCanary(name, version: candidate.description, share: rollout.share ?? 0.1, by: "topology")
                case .shadow where current.candidate?.version != candidate.description:
                    try registry.startShadow(name, version: candidate.description, by: "topology")
                default: break
                }
            }
        }
        let output = InferConfig.Output(
            score: infer.output.score, label: infer.output.label, threshold: infer.output.label == nil ? nil : infer.output.threshold,
            probabilitiesPrefix: infer.output.probabilitiesPrefix)
        return try SluiceInference.InferOperator(
            config: InferConfig(id: infer.common.id, model: source, features: infer.featureNames, output: output, batchMax: infer.batchMax))
    }
}

/// A dead letter with the topic it goes to.
struct RoutedDeadLetter {
    var topic: String
    var key: [UInt8]?
    var value: [UInt8]
    var headers: [Header]
}

final class SourceDecoderAdapter: SourceDecoding {
    let decoder: SourceDecoder
    init(_ decoder: SourceDecoder) { self.decoder = decoder }

    func decode(key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: [Header], timestamp: Int64, origin: RecordOrigin)
        throws(RecordError) -> Record
    {
        guard let value else {
            throw RecordError(.decode, "the record has a null value (tombstone); nothing to decode")
        }
        return try decoder.decodeRecord(key: key, value: value, headers: headers, timestamp: timestamp, origin: origin)
    }

    func decode(key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: [Header], timestamp: Int64, origin: RecordOrigin,
                appendingTo records: inout [Record]) throws(RecordError) {
        guard let value else {
            throw RecordError(.decode, "the record has a null value (tombstone); nothing to decode")
        }
        try decoder.decodeRecord(key: key, value: value, headers: headers, timestamp: timestamp, origin: origin, appendingTo: &records)
    }
}

final class SinkEncoderAdapter: SinkEncoding {
    let encoder: SinkEncoder
    let topic: String
    init(_ encoder: SinkEncoder, topic: String) {
        self.encoder = encoder
        self.topic = topic
    }
    func encode(_ record: Record, value: inout [UInt8], key: inout [UInt8]?, headers: inout [Header], now: Int64) throws(RecordError) {
        try encoder.encode(record, value: &value, key: &key, headers: &headers, context: EvaluationContext(now: now))
    }
}

/// A topology names a model's own directory (`models/fraud`, holding `v1/`, `v2/`, ...); the registry root is
/// its parent when the directory is named after the model.
func registryRoot(_ directory: String, name: String) -> String {
    let trimmed = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    guard (trimmed as NSString).lastPathComponent == name else { return trimmed }
    let parent = (trimmed as NSString).deletingLastPathComponent
    return parent.isEmpty ? "." : parent
}
