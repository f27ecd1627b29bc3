import CRdKafka
import Logging
import SluiceCore

/// A consumer-group member that consumes in batches.
///
/// Partition assignment happens inside librdkafka's rebalance callback, which also hands each change to
/// `onRebalance` — synchronously, on the thread that called `consume`, *before* revoked partitions are
/// given up, so the owner can checkpoint and commit first. For an assignment, `onRebalance` may return start
/// offsets (from a local checkpoint) that win over the group's committed offsets; return `[]` otherwise. Offsets are only stored and committed when the
/// owner says so (`enable.auto.commit=false`, `enable.auto.offset.store=false`).
///
/// ```swift
/// let consumer = try KafkaConsumer(configuration: config, groupID: "app") { event in ... }
/// try consumer.subscribe(["events"])
/// consumer.consume(maxMessages: 1000, timeoutMs: 100) { message in ... }
/// try consumer.commit([TopicPartition(topic: "events", partition: 0, offset: next)])
/// ```
public final class KafkaConsumer: @unchecked Sendable {
    let handle: OpaquePointer
    let queue: OpaquePointer
    let callbacks: ClientCallbacks
    public let configuration: KafkaConfiguration
    private var closed = false
    private var batch: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    private let batchCapacity: Int
    /// Messages delivered by `consumeRetaining`, freed by `releaseRetained`. Appended per message by the one
    /// thread that consumes: unchecked, as the runtime's exclusivity bookkeeping would cost more than the append.
    @exclusivity(unchecked) private var retained: [UnsafeMutablePointer<rd_kafka_message_t>] = []

    /// Settings applied unless the caller set them. The prefetch thresholds are raised on purpose: with
    /// librdkafka's defaults a fast consumer runs dry and idles (measured ≈4× slower on the mock cluster);
    /// `queued.max.messages.kbytes` bounds the prefetch memory per partition.
    public static let defaults: [String: String] = [
        "enable.auto.commit": "false",
        "enable.auto.offset.store": "false",
        "auto.offset.reset": "earliest",
        "enable.partition.eof": "false",
        "queued.min.messages": "1000000",
        "queued.max.messages.kbytes": "131072",
        "fetch.wait.max.ms": "10",
        "session.timeout.ms": "10000",
        "heartbeat.interval.ms": "1000",
    ]

    public init(
        configuration: KafkaConfiguration, groupID: String, logger: Logger = Logger(label: "sluice.kafka.consumer"),
        maxBatch: Int = 10_000, onRebalance: (@Sendable (RebalanceEvent) -> [TopicPartition])? = nil
    ) throws(KafkaError) {
        var config = configuration.withDefaults(Self.defaults)
        config["group.id"] = groupID
        self.configuration = config
        callbacks = ClientCallbacks(logger: logger, configuration: config)
        callbacks.onRebalance = onRebalance
        let conf = try config.makeNativeConfiguration()
        callbacks.install(on: conf)
        rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
            guard let rk, let partitions else { return }
            KafkaConsumer.handleRebalance(rk: rk, err: err, partitions: partitions, callbacks: ClientCallbacks.from(opaque))
        }
        handle = try makeClient(type: RD_KAFKA_CONSUMER, conf: conf)
        rd_kafka_poll_set_consumer(handle)
        queue = rd_kafka_queue_get_consumer(handle)
        batchCapacity = maxBatch
        batch = .allocate(capacity: maxBatch)
    }

    deinit {
        releaseRetained()
        if !closed { rd_kafka_consumer_close(handle) }
        rd_kafka_queue_destroy(queue)
        rd_kafka_destroy(handle)
        batch.deallocate()
    }

    private static func handleRebalance(
        rk: OpaquePointer, err: rd_kafka_resp_err_t, partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>,
        callbacks: ClientCallbacks?
    ) {
        let list = NativePartitionList.read(partitions)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            // The owner may name start offsets (e.g. from a local checkpoint manifest); they win over the
            // group's committed offsets.
            let starts = callbacks?.onRebalance?(.assigned(list)) ?? []
            for start in starts {
                for i in 0..<Int(partitions.pointee.cnt)
                where partitions.pointee.elems[i].partition == start.partition
                    && String(cString: partitions.pointee.elems[i].topic) == start.topic
                {
                    partitions.pointee.elems[i].offset = start.offset
                }
            }
            if cooperative {
                if let e = rd_kafka_incremental_assign(rk, partitions) { rd_kafka_error_destroy(e) }
            } else {
                _ = rd_kafka_assign(rk, partitions)
            }
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(rk) != 0
            _ = callbacks?.onRebalance?(lost ? .lost(list) : .revoked(list))
            if cooperative {
                if let e = rd_kafka_incremental_unassign(rk, partitions) { rd_kafka_error_destroy(e) }
            } else {
                _ = rd_kafka_assign(rk, nil)
            }
        default:
            callbacks?.logger.error("rebalance failed", metadata: ["error": "\(String(cString: rd_kafka_err2str(err)))"])
            _ = rd_kafka_assign(rk, nil)
        }
    }

    public func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = NativePartitionList.make(topics.map { TopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_subscribe(handle, list), "subscribe to \(topics)")
    }

    /// Assigns partitions directly, without a consumer group (tools, tests, `sluice tail`).
    public func assign(_ partitions: [TopicPartition]) throws(KafkaError) {
        let list = NativePartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_assign(handle, list), "assign \(partitions)")
    }

    /// Consumes up to `maxMessages` records (waiting at most `timeoutMs` for the first), calling `body` for each
    /// in order, then frees them. Rebalance callbacks run inside this call. Returns the number of records.
    /// Per-record errors (other than end of partition) are logged and kept in `lastError`.
    @discardableResult
    public func consume(maxMessages: Int, timeoutMs: Int32, _ body: (KafkaMessage) -> Void) -> Int {
        consume(maxMessages: maxMessages, timeoutMs: timeoutMs, retaining: false, body)
    }

    /// As `consume`, but the delivered messages stay valid after it returns, until `releaseRetained()`: the
    /// engine decodes them later, on the thread that runs their partition's task, without copying them first.
    @discardableResult
    public func consumeRetaining(maxMessages: Int, timeoutMs: Int32, _ body: (KafkaMessage) -> Void) -> Int {
        consume(maxMessages: maxMessages, timeoutMs: timeoutMs, retaining: true, body)
    }

    /// Frees the messages kept by `consumeRetaining`; every `KafkaMessage` from them becomes invalid.
    public func releaseRetained() {
        for message in retained { rd_kafka_message_destroy(message) }
        retained.removeAll(keepingCapacity: true)
    }

    /// How many messages `consumeRetaining` keeps (oldest first).
    public var retainedCount: Int { retained.count }

    /// Frees the oldest `count` kept messages — one consume batch, once it is decoded, while the next batch's
    /// messages stay valid.
    public func releaseRetained(first count: Int) {
        let n = min(count, retained.count)
        for message in retained[..<n] { rd_kafka_message_destroy(message) }
        retained.removeFirst(n)
    }

    private func consume(maxMessages: Int, timeoutMs: Int32, retaining: Bool, _ body: (KafkaMessage) -> Void) -> Int {
        let n = rd_kafka_consume_batch_queue(queue, Int32(timeoutMs), batch, min(maxMessages, batchCapacity))
        guard n > 0 else { return 0 }
        var delivered = 0
        for i in 0..<n {
            let message = batch[i]!
            defer { if retaining { retained.append(message) } else { rd_kafka_message_destroy(message) } }
            let err = message.pointee.err
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                body(KafkaMessage(message))
                delivered += 1
            } else if err != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                let error = KafkaError(responseCode: err, context: "consume")
                callbacks.lastError.withLock { $0 = error }
                callbacks.logger.warning("consume error", metadata: ["error": "\(error)"])
            }
        }
        return delivered
    }

    /// The most recent asynchronous client error (broker down, consume error), cleared on read.
    public func takeLastError() -> KafkaError? { callbacks.lastError.withLock { e in defer { e = nil }; return e } }

    /// Leaves the group cleanly (revoking partitions through the rebalance callback) so the partitions move at once
    /// instead of after the session timeout. Blocking.
    public func close() {
        guard !closed else { return }
        closed = true
        rd_kafka_consumer_close(handle)
    }
}
