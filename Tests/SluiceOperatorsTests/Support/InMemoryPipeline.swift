import SluiceCore
import SluiceExpressions
import SluiceOperators
import SluiceTopology

/// A miniature engine for tests: one partition, one batch, the compiled graph walked in topological
/// order with this module's stages, sinks encoded and dead letters built as the real engine would.
final class InMemoryPipeline {
    struct Message {
        var key: [UInt8]?
        var value: [UInt8]
        var offset: Int64
    }

    struct Produced {
        var topic: String
        var key: String?
        var value: String
        var headers: [Header]
    }

    struct DeadLetter {
        var operatorID: String
        var offset: Int64?
        var error: RecordError
        var message: DeadLetterMessage
    }

    let topology: Topology
    private var stages: [String: any StreamOperator] = [:]
    private var decoders: [String: (SourceDecoder, EventTimeAssigner)] = [:]
    private var encoders: [SinkEncoder] = []
    private let builder: DeadLetterBuilder
    private(set) var produced: [Produced] = []
    private(set) var deadLetters: [DeadLetter] = []
    private(set) var counters = DeadLetterCounters()

    init(_ topology: Topology) throws {
        self.topology = topology
        builder = DeadLetterBuilder(topology: topology)
        for op in topology.operators {
            if let stage = try StageFactory.makeStage(op) { stages[op.id] = stage }
        }
        for source in topology.sources {
            decoders[source.id] = (try SourceDecoder(source: source), EventTimeAssigner(source: source, processing: topology.processing))
        }
        encoders = try topology.sinks.map { try SinkEncoder(sink: $0, topology: topology) }
    }

    /// Processes one batch per source: `messages` maps source id → messages.
    func run(_ messages: [String: [Message]], partition: Int32 = 0, now: Int64) {
        let context = OperatorContext(partition: partition, processingTime: now, watermark: .min)
        var streams: [String: [Record]] = [:]
        for (sourceID, batch) in messages {
            guard let (decoder, assigner) = decoders[sourceID], let source = topology.source(sourceID) else { continue }
            var decoded = OperatorOutput()
            for m in batch {
                m.value.withUnsafeBytes { raw in
                    decoder.decode(key: m.key, value: raw, headers: [], timestamp: now, topic: source.topic, partition: partition,
                                   offset: m.offset, into: &decoded)
                }
            }
            collectDeadLetters(decoded, operatorID: sourceID)
            var timed = OperatorOutput()
            assigner.process(decoded.records, from: .main, context: context, into: &timed)
            collectDeadLetters(timed, operatorID: assigner.id)
            streams[sourceID] = timed.records
        }
        for id in topology.graph.topologicalOrder {
            guard let op = topology.operator(id), let stage = stages[id] else { continue }
            var output = OperatorOutput()
            stage.process(streams[op.common.input.description] ?? [], from: .main, context: context, into: &output)
            streams[id] = output.records
            for (branch, records) in output.named { streams["\(id).\(branch)"] = records }
            collectDeadLetters(output, operatorID: id)
        }
        let evaluation = EvaluationContext(now: now)
        for (sink, encoder) in zip(topology.sinks, encoders) {
            var value: [UInt8] = []
            var key: [UInt8]?
            var headers: [Header] = []
            for record in streams[sink.input.description] ?? [] {
                do {
                    try encoder.encode(record, value: &value, key: &key, headers: &headers, context: evaluation)
                    produced.append(Produced(topic: sink.topic, key: key.map { String(decoding: $0, as: UTF8.self) },
                                             value: String(decoding: value, as: UTF8.self), headers: headers))
                } catch {
                    var output = OperatorOutput()
                    output.deadLetter(record, error)
                    collectDeadLetters(output, operatorID: sink.id)
                }
            }
        }
    }

    private func collectDeadLetters(_ output: OperatorOutput, operatorID: String) {
        counters.add(output, operatorID: operatorID)
        for d in output.deadLetters {
            deadLetters.append(DeadLetter(operatorID: operatorID, offset: d.record.origin?.offset, error: d.error,
                                          message: builder.build(d.record, error: d.error, operatorID: operatorID)))
        }
    }

    func produced(to topic: String) -> [Produced] { produced.filter { $0.topic == topic } }
}
