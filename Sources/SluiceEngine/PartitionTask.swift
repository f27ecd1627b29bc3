import Foundation
import SluiceCore
import SluiceKafka
import SluiceTopology
import Synchronization

/// One subtopology at one partition number: the unit of work, state and checkpointing.
///
/// Runs on one thread at a time: the engine hands each task's batch to one of its processing threads, and
/// touches the task itself only between batches. Only `tracker` is shared (delivery reports acknowledge
/// outputs from whichever thread serves them), so it sits behind a lock.
///
/// `process` takes the decoded records of one chunk of a consume batch, pushes them through the operators in
/// topological order (fan-out to every consumer of a node), and hands outputs, dead letters, late records
/// and published messages to `outputs`.
final class PartitionTask {
    let subtopology: DataflowPlan.Subtopology
    let partition: Int32
    let plan: DataflowPlan
    private(set) var operators: [Int: any StreamOperator] = [:]
    private var decoders: [Int: any SourceDecoding] = [:]
    private var encoders: [Int: any SinkEncoding] = [:]
    private let factory: TaskFactory
    let tracker = Mutex(InFlightTracker())
    var counters = TaskCounters()
    /// Event-time watermark of this task (max event time seen − max out-of-order).
    private(set) var watermark: Int64 = .min
    private var maxEventTime: Int64 = .min
    let maxOutOfOrderMs: Int64
    let idleTimeoutMs: Int64?
    private(set) var lastRecordAt: Int64 = 0
    var isPaused = false
    /// This task's slot in delivery tokens (set by the engine when the task is created).
    var slot = 0
    /// The consume batch being gathered for this task, and whether it is on the engine's list of tasks to run.
    var pending = PendingBatch()
    var hasPending = false
    /// A message list that was run and emptied, kept with its capacity for the next batch of this task's messages
    /// (the engine thread's, for dispatching). The task's thread leaves the list it emptied in `returnedMessages`
    /// — the engine may be dispatching the next batch meanwhile — and the engine takes it back after the join.
    var spareMessages: [KafkaMessage] = []
    var returnedMessages: [KafkaMessage] = []

    /// Takes back the list the last batch emptied (engine thread, after the batch was joined).
    func recycleMessageList() {
        if returnedMessages.capacity > spareMessages.capacity { swap(&spareMessages, &returnedMessages) }
        returnedMessages = []
    }
    /// Set when the engine drops the task (its partition was revoked or lost).
    var isRemoved = false
    /// How long its last batch took (for the latency histogram).
    var lastBatchSeconds = 0.0

    var key: TaskKey { TaskKey(subtopology: subtopology.id, partition: partition) }

    /// Hands over the gathered batch and starts a new one.
    func takePending() -> PendingBatch {
        hasPending = false
        var taken = PendingBatch()
        swap(&taken, &pending)
        return taken
    }

    /// Emptied record lists by source node, for the next chunk's decoded records (the task's thread only).
    private var spareInputs: [Int: [Record]] = [:]

    /// An empty list, with the capacity earlier chunks needed, to decode a chunk from `node` into.
    func takeRecordList(forNode node: Int) -> [Record] { spareInputs.removeValue(forKey: node) ?? [] }

    // Per-node scratch, reused between batches. A task runs on one thread at a time, and these are passed inout
    // per record: the runtime's exclusivity bookkeeping on each such access would cost more than the work.
    @exclusivity(unchecked) private var mainOut: [Int: [Record]] = [:]
    @exclusivity(unchecked) private var namedOut: [Int: [String: [Record]]] = [:]
    @exclusivity(unchecked) private var scratch = OperatorOutput()
    @exclusivity(unchecked) private var valueBuffer: [UInt8] = []
    /// Node → the one node reading its main output, when exactly one does.
    private var soleConsumer: [Int: Int] = [:]
    @exclusivity(unchecked) private var headerBuffer: [Header] = []

    init(subtopology: DataflowPlan.Subtopology, partition: Int32, plan: DataflowPlan, factory: TaskFactory,
         maxOutOfOrderMs: Int64, idleTimeoutMs: Int64?) throws {
        self.subtopology = subtopology
        self.partition = partition
        self.plan = plan
        self.factory = factory
        self.maxOutOfOrderMs = maxOutOfOrderMs
        self.idleTimeoutMs = idleTimeoutMs
        var readers: [Int: [Int]] = [:]
        for i in subtopology.nodes {
            for input in plan.nodes[i].inputs { readers[input.node, default: []].append(i) }
        }
        for (node, list) in readers where list.count == 1 { soleConsumer[node] = list[0] }
        for i in subtopology.nodes {
            let node = plan.nodes[i]
            switch node.kind {
            case .source, .repartitionSource: decoders[i] = try factory.makeDecoder(node.id)
            case .operator(let op): operators[i] = try factory.makeOperator(op, partition)
            case .sink, .repartitionSink: encoders[i] = try factory.makeEncoder(node.id)
            }
        }
    }

    /// The topic-partitions this task consumes.
    var topicPartitions: [(topic: String, partition: Int32)] { subtopology.topics.keys.sorted().map { ($0, partition) } }

    /// Stateful operators by node id.
    var statefulOperators: [(id: String, op: any StatefulOperator)] {
        subtopology.nodes.compactMap { i in (operators[i] as? any StatefulOperator).map { (plan.nodes[i].id, $0) } }
    }

    func decoder(forTopic topic: String) -> (node: Int, decoder: any SourceDecoding)? {
        guard let node = subtopology.topics[topic], let d = decoders[node] else { return nil }
        return (node, d)
    }

    /// The source node reading `topic`, when this task decodes it.
    func sourceNode(forTopic topic: String) -> Int? {
        guard let node = subtopology.topics[topic], decoders[node] != nil else { return nil }
        return node
    }

    func decoder(forNode node: Int) -> (any SourceDecoding)? { decoders[node] }

    /// The topic a source node reads (for record origins).
    func topic(ofNode node: Int) -> String {
        if let name = topicOfNode[node] { return name }
        let name = subtopology.topics.first { $0.value == node }?.key ?? plan.nodes[node].id
        topicOfNode[node] = name
        return name
    }
    private var topicOfNode: [Int: String] = [:]

    /// Notes a source record's event time for the watermark.
    @inline(__always) func observe(eventTime: Int64?, processingTime: Int64) {
        lastRecordAt = processingTime
        if let t = eventTime, t > maxEventTime {
            maxEventTime = t
            watermark = max(watermark, t &- maxOutOfOrderMs)
        }
    }

    /// Moves the watermark forward (backfill's end of input: every window closes).
    func forceWatermark(_ w: Int64) { watermark = max(watermark, w) }

    /// Idle rule: with no record for `idle_timeout`, the watermark follows processing time − max_out_of_order,
    /// so windows of a quiet partition still close.
    func advanceIdleWatermark(now: Int64) -> Bool {
        guard let idle = idleTimeoutMs, lastRecordAt > 0, now - lastRecordAt >= idle else { return false }
        let candidate = now - maxOutOfOrderMs
        guard candidate > watermark else { return false }
        watermark = candidate
        return true
    }

    /// Runs one batch through the subtopology. `inputs` maps source node index → its decoded records.
    func process(_ inputs: [Int: [Record]], now: Int64, outputs: any TaskOutputSink) {
        var inputs = inputs
        process(taking: &inputs, now: now, outputs: outputs)
    }

    /// As `process`, moving the records out of `inputs`: with no other reference to them, operators can change
    /// records in place (see `StreamOperator.process(owned:)`).
    func process(taking inputs: inout [Int: [Record]], now: Int64, outputs: any TaskOutputSink) {
        let context = OperatorContext(partition: partition, processingTime: now, watermark: watermark)
        for i in subtopology.nodes {
            let node = plan.nodes[i]
            switch node.kind {
            case .source, .repartitionSource:
                var records = inputs.removeValue(forKey: i) ?? []
                counters.recordsIn += records.count
                swap(&records, &mainOut[i, default: []])
                // The previous chunk's list, emptied by its reader, is kept for the next chunk to be decoded
                // into: one list per source node for the task's life rather than a large allocation per chunk.
                records.removeAll(keepingCapacity: true)
                if records.capacity > 0 { spareInputs[i] = records }
            case .operator:
                let op = operators[i]!
                scratch.removeAll()
                for input in node.inputs {
                    if input.branch == nil && soleConsumer[input.node] == i {
                        // This operator is the only reader of that output: hand the batch over, so records can
                        // be changed in place. The array goes back empty, keeping its capacity.
                        var records = mainOut[input.node] ?? []
                        mainOut[input.node] = nil
                        if !records.isEmpty { op.process(owned: &records, from: input.side, context: context, into: &scratch) }
                        records.removeAll(keepingCapacity: true)
                        mainOut[input.node] = records
                    } else {
                        let records = recordsOf(input)
                        if !records.isEmpty { op.process(records, from: input.side, context: context, into: &scratch) }
                    }
                }
                op.advance(context: context, into: &scratch)
                collect(node: i, operatorID: node.id, outputs: outputs)
            case .sink, .repartitionSink:
                let encoder = encoders[i]!
                var sent = 0
                for input in node.inputs {
                    if input.branch == nil && soleConsumer[input.node] == i {
                        // The only reader: move each record out rather than copy it (a copy retains, and its drop
                        // releases, every buffer the record holds). The array goes back empty, keeping its capacity.
                        var records = mainOut[input.node] ?? []
                        mainOut[input.node] = nil
                        for j in records.indices {
                            let record = records.takeRecord(at: j)
                            if send(record, with: encoder, node: node.id, now: now, outputs: outputs) { sent += 1 }
                        }
                        records.removeAll(keepingCapacity: true)
                        mainOut[input.node] = records
                    } else {
                        for record in recordsOf(input) where send(record, with: encoder, node: node.id, now: now, outputs: outputs) {
                            sent += 1
                        }
                    }
                }
                if sent > 0 { counters.sunk[node.id, default: 0] += sent }
            }
        }
        for i in subtopology.nodes {
            mainOut[i]?.removeAll(keepingCapacity: true)
            if namedOut[i] != nil { for k in namedOut[i]!.keys { namedOut[i]![k]!.removeAll(keepingCapacity: true) } }
        }
    }

    private func recordsOf(_ input: DataflowPlan.Input) -> [Record] {
        if let branch = input.branch { return namedOut[input.node]?[branch] ?? [] }
        return mainOut[input.node] ?? []
    }

    private func collect(node i: Int, operatorID: String, outputs: any TaskOutputSink) {
        counters.recordsOut[operatorID, default: 0] += scratch.records.count
        // Swap rather than copy: records left referenced by `scratch` too would be copied on their next change.
        var taken = mainOut.removeValue(forKey: i) ?? []
        if taken.isEmpty {
            swap(&taken, &scratch.records)
        } else {
            taken.append(contentsOf: scratch.records)
            scratch.records.removeAll(keepingCapacity: true)
        }
        mainOut[i] = taken
        for (name, records) in scratch.named where !records.isEmpty {
            namedOut[i, default: [:]][name, default: []].append(contentsOf: records)
        }
        for (record, error) in scratch.deadLetters {
            deadLetter(record, error, operatorID: operatorID, outputs: outputs)
        }
        for (record, reason) in scratch.late {
            counters.late[operatorID, default: 0] += 1
            var r = record
            r.headers.append(Header("sluice-late-reason", reason))
            let dl = factory.makeDeadLetter(r, RecordError(.late, reason), operatorID)
            outputs.send(topic: lateTopic(operatorID) ?? dl.topic, partition: nil, key: dl.key, value: dl.value, headers: dl.headers, timestamp: nil)
        }
        for message in scratch.published {
            outputs.send(topic: message.topic, partition: nil, key: message.key, value: message.value, headers: [], timestamp: nil)
        }
    }

    func deadLetter(_ record: Record, _ error: RecordError, operatorID: String, outputs: any TaskOutputSink) {
        counters.deadLetters[DeadLetterKey(operatorID: operatorID, code: error.code.rawValue), default: 0] += 1
        let dl = factory.makeDeadLetter(record, error, operatorID)
        outputs.send(topic: dl.topic, partition: nil, key: dl.key, value: dl.value, headers: dl.headers, timestamp: nil)
    }

    private func lateTopic(_ operatorID: String) -> String? {
        guard case .operator(.features(let f))? = subtopology.nodes.lazy.map({ self.plan.nodes[$0] }).first(where: { $0.id == operatorID })?.kind
        else { return nil }
        return f.lateTopic
    }

    /// Encodes and sends one record; false when it went to the dead letters instead.
    private func send(_ record: Record, with encoder: any SinkEncoding, node: String, now: Int64, outputs: any TaskOutputSink) -> Bool {
        var key: [UInt8]? = nil
        do {
            try encoder.encode(record, value: &valueBuffer, key: &key, headers: &headerBuffer, now: now)
            outputs.send(topic: encoder.topic, partition: nil, key: key, value: valueBuffer, headers: headerBuffer,
                         timestamp: record.eventTime ?? record.timestamp)
            return true
        } catch {
            deadLetter(record, error, operatorID: node, outputs: outputs)
            return false
        }
    }
}

struct DeadLetterKey: Hashable, Sendable {
    var operatorID: String
    var code: String
}

/// Counts since the task started; the engine sums them for progress and metrics.
struct TaskCounters: Sendable {
    var recordsIn = 0
    var recordsOut: [String: Int] = [:]
    var sunk: [String: Int] = [:]
    var deadLetters: [DeadLetterKey: Int] = [:]
    var late: [String: Int] = [:]
}
