import Foundation
import SluiceCore
import SluiceFormats
import SluiceOperators
import SluiceTopology

/// `sluice backfill`: the topology's operators run over a file, in event-time order, with the same event-time,
/// window and point-in-time semantics as the stream — training data without train/serve skew.
///
/// Every source reads the same file (a file holds one kind of event); repartition topics are followed in
/// memory; at the end of input the watermark jumps to the end of time so every window closes.
public enum BackfillRunner {
    public struct Output: Sendable {
        public var topic: String
        public var key: [UInt8]?
        public var value: [UInt8]
    }

    public static func run(topology: Topology, inputPath: String, sourceID: String? = nil, batchSize: Int = 1000) throws -> [Output] {
        let plan = DataflowPlan(topology: topology)
        let resources = OperatorResources(topology: topology, logger: .init(label: "sluice.backfill"), offline: true)
        let factory = try TaskFactory.standard(topology: topology, resources: resources)
        guard let source = sourceID.flatMap({ topology.source($0) }) ?? topology.sources.first else {
            throw EngineError("topology '\(topology.metadata.name)' has no source")
        }
        guard let sourceNode = plan.nodes.firstIndex(where: { $0.id == source.id }) else { throw EngineError("no source node") }

        // Decode and order the input by event time (stable for ties, so file order breaks them).
        let decoder = try factory.makeDecoder(source.id)
        let assigner = factory.eventTimeAssigner(source.id)
        var records: [Record] = []
        var rejected: [(Record, RecordError)] = []
        try forEachRecordBytes(inputPath) { index, bytes in
            let origin = RecordOrigin(topic: source.topic, partition: 0, offset: Int64(index))
            let result = bytes.withUnsafeBytes { raw in
                Result { () throws(RecordError) in try decoder.decode(key: nil, value: raw, headers: [], timestamp: 0, origin: origin) }
            }
            switch result {
            case .success(var record):
                if let error = assigner?.rejection(assigning: &record) { rejected.append((record, error)) } else { records.append(record) }
            case .failure(let error):
                rejected.append((Record(origin: origin, raw: bytes), error))
            }
        }
        let ordered = records.enumerated().sorted {
            ($0.element.eventTime ?? 0, $0.offset) < ($1.element.eventTime ?? 0, $1.offset)
        }.map(\.element)

        let sink = MemoryOutputs()
        var tasks: [Int: PartitionTask] = [:]
        for sub in plan.subtopologies {
            tasks[sub.id] = try PartitionTask(
                subtopology: sub, partition: 0, plan: plan, factory: factory,
                maxOutOfOrderMs: topology.processing.eventTime.maxOutOfOrderMs, idleTimeoutMs: nil)
        }
        let root = plan.nodes[sourceNode].subtopology
        for (record, error) in rejected { tasks[root]!.deadLetter(record, error, operatorID: source.id, outputs: sink) }
        var start = 0
        while start < ordered.count {
            let batch = Array(ordered[start..<min(start + batchSize, ordered.count)])
            start += batchSize
            for r in batch { tasks[root]!.observe(eventTime: r.eventTime, processingTime: r.eventTime ?? 0) }
            tasks[root]!.process([sourceNode: batch], now: batch.last?.eventTime ?? 0, outputs: sink)
            try followRepartitions(plan: plan, tasks: tasks, factory: factory, sink: sink)
        }
        for task in tasks.values { task.forceWatermark(.max / 2) }
        for sub in plan.subtopologies { tasks[sub.id]!.process([:], now: 0, outputs: sink) }
        try followRepartitions(plan: plan, tasks: tasks, factory: factory, sink: sink)
        return sink.outputs.filter { o in !plan.repartitionTopics.contains(o.topic) }
    }

    /// Feeds records written to repartition topics into the subtopologies that read them.
    private static func followRepartitions(plan: DataflowPlan, tasks: [Int: PartitionTask], factory: TaskFactory, sink: MemoryOutputs) throws {
        var rounds = 0
        while let (topic, messages) = sink.takeRepartitioned(Set(plan.repartitionTopics)), rounds < 1000 {
            rounds += 1
            guard let sub = plan.topicOwner[topic], let task = tasks[sub], let (node, decoder) = task.decoder(forTopic: topic) else { continue }
            var batch: [Record] = []
            for (i, m) in messages.enumerated() {
                let origin = RecordOrigin(topic: topic, partition: 0, offset: Int64(i))
                let decoded = m.value.withUnsafeBytes { raw in
                    Result { () throws(RecordError) in try decoder.decode(key: nil, value: raw, headers: m.headers, timestamp: 0, origin: origin) }
                }
                switch decoded {
                case .success(let r):
                    task.observe(eventTime: r.eventTime, processingTime: r.eventTime ?? 0)
                    batch.append(r)
                case .failure(let error):
                    // Never silently: what the stream would dead-letter, backfill writes to the dead letters too.
                    task.deadLetter(Record(headers: m.headers, origin: origin, raw: m.value), error, operatorID: topic, outputs: sink)
                }
            }
            task.process([node: batch], now: batch.last?.eventTime ?? 0, outputs: sink)
        }
    }

    /// Lines of a JSONL file, or rows of a CSV file re-encoded as JSON objects.
    static func forEachRecordBytes(_ path: String, _ body: (Int, [UInt8]) throws -> Void) throws {
        if path.hasSuffix(".csv") {
            var reader = try CSVFileReader(path: path)
            let encoder = JSONRecordEncoder(nonFinite: .null)
            var i = 0
            while let fields = try reader.next() {
                var out: [UInt8] = []
                try encoder.encode(fields, into: &out)
                try body(i, out)
                i += 1
            }
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw EngineError("cannot read \(path)") }
        var i = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == 32 || $0 == 13 }) {
            try body(i, Array(line))
            i += 1
        }
    }
}

/// Collects task outputs in memory (backfill and tests).
final class MemoryOutputs: TaskOutputSink {
    struct Message {
        var topic: String
        var key: [UInt8]?
        var value: [UInt8]
        var headers: [Header]
    }
    private(set) var outputs: [BackfillRunner.Output] = []
    private var repartitioned: [String: [Message]] = [:]

    func send(topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8], headers: [Header], timestamp: Int64?) {
        outputs.append(BackfillRunner.Output(topic: topic, key: key, value: value))
        repartitioned[topic, default: []].append(Message(topic: topic, key: key, value: value, headers: headers))
    }

    func takeRepartitioned(_ topics: Set<String>) -> (String, [Message])? {
        for topic in topics.sorted() where !(repartitioned[topic]?.isEmpty ?? true) {
            defer { repartitioned[topic] = [] }
            return (topic, repartitioned[topic]!)
        }
        for key in repartitioned.keys where !topics.contains(key) { repartitioned[key] = nil }
        return nil
    }
}
