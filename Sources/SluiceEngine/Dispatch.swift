import SluiceCore
import SluiceKafka

/// One task's share of a consume batch.
struct PendingBatch {
    /// The in-flight batch begun during dispatch (copy-only forwarding), if any.
    var seq: UInt64?
    var forwardedCount = 0
    /// Copies forwarded per sink (counted into the task when the batch runs: the task may be running now).
    var sunk: [String: Int] = [:]
    /// Consumed messages by source node, decoded later on the thread that runs the task (they stay valid until
    /// the engine releases the consume batch).
    var messages: [Int: [KafkaMessage]] = [:]
    var inputs: [Int: [Record]] = [:]
    var rejected: [(Record, RecordError, String)] = []
    var endOffsets: [String: Int64] = [:]
    var isEmpty: Bool { messages.isEmpty && inputs.isEmpty && rejected.isEmpty && seq == nil && endOffsets.isEmpty }
    /// Messages waiting to be decoded (what balancing tasks over threads weighs).
    var messageCount: Int { messages.values.reduce(0) { $0 + $1.count } }
}

/// Where the messages of one topic-partition go, resolved once per run of messages from it: a consume batch
/// holds long runs per partition, so the per-message path does no hashing and touches no dictionaries.
/// `finish` hands what was gathered to the task's pending batch.
final class DispatchRoute {
    let topicIdentity: UnsafeRawPointer?
    let partition: Int32
    let topic: String
    let task: PartitionTask
    let node: Int
    /// Sink topics a copy-only source forwards to (empty: decode and process), by name and resolved.
    let rawSinks: [String]
    let rawTopics: [KafkaProducer.Topic]
    /// The lineage header copies carry, prebuilt; the delivery token of the batch they count against.
    let lineage: KafkaProducer.PrebuiltHeaders?
    let token: UInt
    /// The in-flight batch forwarded messages count against.
    let seq: UInt64?
    @exclusivity(unchecked) private(set) var messages: [KafkaMessage] = []  // appended per message, one thread
    private var endOffset: Int64 = -1
    private var forwarded = 0
    /// Copies handed to the producer, counted against `seq` when the run finishes.
    private var sent = 0

    init(message: KafkaMessage, topic: String, task: PartitionTask, node: Int, rawSinks: [String], producer: KafkaProducer,
         lineage: KafkaProducer.PrebuiltHeaders?) {
        topicIdentity = message.topicIdentity
        partition = message.partition
        self.topic = topic
        self.task = task
        self.node = node
        self.rawSinks = rawSinks
        self.rawTopics = rawSinks.map { producer.topic($0) }
        self.lineage = lineage
        if rawSinks.isEmpty {
            seq = nil
        } else {
            let begun = task.pending.seq ?? task.tracker.withLock { $0.begin(endOffsets: [:]) }
            task.pending.seq = begun
            seq = begun
        }
        token = DeliveryToken.make(slot: task.slot, seq: seq ?? 0)
    }

    @inline(__always) func matches(_ message: KafkaMessage) -> Bool {
        message.topicIdentity == topicIdentity && message.partition == partition
    }

    @inline(__always) func consumed(_ offset: Int64) { endOffset = offset + 1 }
    @inline(__always) func forwardedOne() { forwarded += 1 }
    @inline(__always) func sentOne() { sent += 1 }
    @inline(__always) func append(_ message: KafkaMessage) {
        // Continue the task's list for this node when an earlier run of this batch started one; otherwise start
        // from the task's last list, which has the capacity such a batch needed (a fresh list would grow through
        // allocations each time, and large allocations make the allocator consolidate its free lists).
        if messages.capacity == 0 {
            if let started = task.pending.messages.removeValue(forKey: node) {
                messages = started
            } else {
                swap(&messages, &task.spareMessages)
            }
        }
        messages.append(message)
    }

    /// Moves the gathered records, offsets and counts into the task's pending batch.
    func finish() {
        guard endOffset >= 0 else { return }
        task.pending.endOffsets[topic] = endOffset
        if forwarded > 0 {
            task.pending.forwardedCount += forwarded
            for sink in rawSinks { task.pending.sunk[sink, default: 0] += forwarded }
        }
        if sent > 0, let seq { task.tracker.withLock { $0.addOutstanding(seq, count: sent) } }
        if !messages.isEmpty {
            task.pending.messages[node] = messages
            messages = []
        }
        endOffset = -1
        forwarded = 0
        sent = 0
    }
}

extension Engine {
    /// Routes one consumed message: copy-only sources forward its bytes to their sinks; others go, undecoded,
    /// into its task's pending batch.
    func dispatch(_ message: KafkaMessage, now: Int64, route: inout DispatchRoute?, touched: inout [PartitionTask]) {
        if route == nil || !route!.matches(message) {
            route?.finish()
            route = makeRoute(message)
            guard let r = route else { return }
            if !r.task.hasPending {
                r.task.hasPending = true
                touched.append(r.task)
            }
        }
        let r = route!
        // A rebalance inside this consume call may have taken the partition away: its messages are the new
        // owner's now (the task's state was checkpointed at revocation).
        guard !r.task.isRemoved else { return }
        r.consumed(message.offset)
        if !r.rawSinks.isEmpty {
            forward(message, along: r)
            return
        }
        r.append(message)
    }

    /// Decodes one run of a task's gathered messages (from source node `node`) into `batch.inputs`, dead-lettering
    /// into `batch.rejected` what can't be decoded or has no readable event time. Runs on the thread that runs
    /// the task.
    func decode(_ messages: ArraySlice<KafkaMessage>, node: Int, into batch: inout PendingBatch, for task: PartitionTask, now: Int64) {
        guard let decoder = task.decoder(forNode: node) else { return }
        let sourceID = plan.nodes[node].id
        let topic = task.topic(ofNode: node)
        let assigner = factory.eventTimeAssigner(sourceID)
        var records = batch.inputs.removeValue(forKey: node) ?? task.takeRecordList(forNode: node)
        records.reserveCapacity(records.count + messages.count)
        for message in messages {
            let origin = RecordOrigin(topic: topic, partition: message.partition, offset: message.offset)
            let headers = message.headers
            do {
                try decoder.decode(key: message.key, value: message.value, headers: headers, timestamp: message.timestamp ?? now,
                                   origin: origin, appendingTo: &records)
            } catch {
                let failed = Record(key: message.keyBytes, headers: headers, timestamp: message.timestamp ?? now, origin: origin,
                                    raw: message.valueBytes)
                batch.rejected.append((failed, error, sourceID))
                continue
            }
            let last = records.count - 1
            if let error = assigner?.rejection(assigning: &records[last]) {
                batch.rejected.append((records.removeLast(), error, sourceID))
            } else {
                task.observe(eventTime: records[last].eventTime, processingTime: now)
            }
        }
        batch.inputs[node] = records
    }

    /// Copy-only: hands the consumed bytes straight to the producer (it copies them once).
    private func forward(_ message: KafkaMessage, along r: DispatchRoute) {
        r.forwardedOne()
        for sink in r.rawTopics {
            do {
                try producer.sendWaiting(topic: sink, key: message.key, value: message.value, prebuilt: r.lineage,
                                         timestamp: message.timestamp, token: r.token)
                r.sentOne()
            } catch {
                fatalError = EngineError("could not enqueue a record for '\(sink.name)': \(error)")
            }
        }
    }

    private func makeRoute(_ message: KafkaMessage) -> DispatchRoute? {
        let topic = message.topic
        guard let sub = plan.topicOwner[topic],
              let task = tasks[TaskKey(subtopology: sub, partition: message.partition)],
              let node = task.sourceNode(forTopic: topic)
        else { return nil }
        let rawSinks = rawForwards[topic] ?? []
        return DispatchRoute(message: message, topic: topic, task: task, node: node, rawSinks: rawSinks, producer: producer,
                             lineage: rawSinks.isEmpty ? nil : prebuiltLineage)
    }
}
