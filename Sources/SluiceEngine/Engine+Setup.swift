import Foundation
import Logging
import SluiceCore
import SluiceKafka
import SluiceTopology

extension Engine {
    /// Every topic the topology reads or writes, with a partition count.
    func requiredTopics() -> [NewTopic] {
        let defaultPartitions = Int32(topology.sources.compactMap(\.partitions).max() ?? 8)
        var topics: [String: NewTopic] = [:]
        func want(_ name: String, _ partitions: Int32 = defaultPartitions, compact: Bool = false) {
            guard topics[name] == nil else { return }
            topics[name] = NewTopic(name: name, partitions: partitions, configs: compact ? ["cleanup.policy": "compact"] : [:])
        }
        for s in topology.sources { want(s.topic, Int32(s.partitions ?? Int(defaultPartitions))) }
        for s in topology.sinks { want(s.topic, Int32(s.partitions ?? Int(defaultPartitions))) }
        for op in topology.operators {
            for t in op.sideOutputTopics { want(t) }
            if case .infer(let i) = op, let control = i.controlTopic { want(control, 1) }
            if [.dedupe, .features, .join, .drift].contains(op.kind) { want(changelogTopic(op.id), compact: true) }
        }
        for t in plan.repartitionTopics { want(t) }
        want(deadLetterTopic)
        return topics.values.sorted { $0.name < $1.name }
    }

    /// The dead-letter topic of operators that don't name their own.
    var deadLetterTopic: String { "\(applicationID).dead-letters" }

    /// Creates missing topics: through the embedded broker's API, or the admin API on a real cluster.
    func ensureTopics() throws {
        let topics = requiredTopics()
        if let broker {
            for t in topics { try broker.createTopic(t.name, partitions: t.partitions) }
            return
        }
        let admin = try KafkaAdmin(configuration: kafkaConfig, logger: logger)
        // Fails fast and clearly if no broker answers; then only missing topics are created.
        let existing = Set(try admin.describeTopics(timeoutMs: 10_000).map(\.name))
        let missing = topics.filter { !existing.contains($0.name) }
        guard !missing.isEmpty else { return }
        do {
            try admin.createTopics(missing, ignoreExisting: true, timeoutMs: 5_000)
        } catch {
            // A dev-broker (mock cluster) has no CreateTopics API; topics are auto-created there on first use.
            logger.warning("could not create topics through the admin API; relying on existing or auto-created topics",
                           metadata: ["error": "\(error)"])
        }
    }

    func makeClients() throws {
        var producerConfig = kafkaConfig
        if exactlyOnce {
            producerConfig["transactional.id"] = "\(applicationID)-\(options.instanceID)"
        }
        // unowned(unsafe): the engine owns the producer, so it outlives every report; this runs once per output
        // record, where a checked reference would cost an atomic retain and release each time.
        producer = try KafkaProducer(configuration: producerConfig, logger: logger) { [unowned(unsafe) self] report in
            self.delivered(report)
        }
        prebuiltLineage = KafkaProducer.PrebuiltHeaders(lineageHeaders)
        var consumerConfig = kafkaConfig
        consumerConfig["partition.assignment.strategy"] = "range"  // co-partitioned topics land on one member
        if exactlyOnce { consumerConfig["isolation.level"] = "read_committed" }
        consumer = try KafkaConsumer(
            configuration: consumerConfig, groupID: applicationID, logger: logger,
            maxBatch: max(topology.processing.batch.maxRecords, 1)
        ) { [weak self] event in
            // Weak: an engine whose run ended by throwing still owns an unclosed consumer, and closing it on
            // the engine's deinit revokes partitions through here (rare; nothing to save by then).
            self?.rebalanced(event) ?? []
        }
        if exactlyOnce { try producer.initTransactions() }
    }

    /// Delivery reports arrive on whichever thread serves the producer (`poll`, `flush`, or a processing thread
    /// waiting for room in a full queue); the tracker is locked for that.
    func delivered(_ report: DeliveryReport) {
        if let error = report.error {
            fatalError = EngineError("a record could not be delivered to '\(report.topic ?? "?")': \(error); stopping without committing its offsets (it will be reprocessed)")
            return
        }
        let slot = DeliveryToken.slot(report.token)
        guard slot > 0, slot < taskSlots.count, let task = taskSlots[slot] else { return }
        task.tracker.withLock { $0.acknowledge(DeliveryToken.seq(report.token)) }
    }
}

/// Sends one task's outputs of one batch to Kafka. It counts what it sent; `runBatch` adds the count to the
/// batch when sealing it (one lock per batch rather than per record).
///
/// Holds the producer itself rather than reaching it through the engine: processing threads sending side by side
/// would otherwise contend on the engine object's reference count for every record.
final class KafkaTaskOutputs: TaskOutputSink {
    let producer: KafkaProducer
    let token: UInt
    let onError: (EngineError) -> Void
    private(set) var sent = 0
    /// The last topic sent to, resolved (outputs come in runs to one topic).
    private var lastTopic: KafkaProducer.Topic?
    /// The last lone header (a sink's lineage) in librdkafka's form, reused while records carry that same header.
    /// One reference: reading it costs one retain per record, where a (header, native) pair cost one per part.
    private var loneHeader: KafkaProducer.PrebuiltHeaders?

    init(producer: KafkaProducer, slot: Int, seq: UInt64, onError: @escaping (EngineError) -> Void) {
        self.producer = producer
        self.token = DeliveryToken.make(slot: slot, seq: seq)
        self.onError = onError
    }

    func send(topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8], headers: [Header], timestamp: Int64?) {
        let resolved: KafkaProducer.Topic
        if let last = lastTopic, last.name == topic {
            resolved = last
        } else {
            resolved = producer.topic(topic)
            lastTopic = resolved
        }
        var prebuilt: KafkaProducer.PrebuiltHeaders?
        if headers.count == 1 {
            prebuilt = loneHeader
            if prebuilt == nil || !Self.sameLoneHeader(prebuilt!.headers, headers) {
                prebuilt = KafkaProducer.PrebuiltHeaders(headers)
                loneHeader = prebuilt
            }
        }
        do {
            try producer.sendWaiting(topic: resolved, partition: partition, key: key, value: value, headers: headers,
                                     prebuilt: prebuilt, timestamp: timestamp, token: token)
            sent += 1
        } catch {
            onError(EngineError("could not enqueue a record for '\(topic)': \(error)"))
        }
    }

    /// Whether two one-header lists hold the same header, compared where they lie (no copy of either).
    private static func sameLoneHeader(_ a: [Header], _ b: [Header]) -> Bool {
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in x[0].name == y[0].name && x[0].value == y[0].value }
        }
    }
}
