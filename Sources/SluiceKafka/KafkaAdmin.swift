import CRdKafka
import Logging

/// A topic to create.
public struct NewTopic: Sendable {
    public var name: String
    public var partitions: Int32
    public var replicationFactor: Int32
    /// Topic configs, e.g. `["cleanup.policy": "compact"]`.
    public var configs: [String: String]
    public init(name: String, partitions: Int32, replicationFactor: Int32 = 1, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}

/// What the cluster says about a topic.
public struct TopicDescription: Sendable, Equatable {
    public var name: String
    public var partitions: [Int32]
}

/// Topic administration. Calls block until the broker answers (or the timeout passes).
public final class KafkaAdmin: @unchecked Sendable {
    let handle: OpaquePointer
    let callbacks: ClientCallbacks

    public init(configuration: KafkaConfiguration, logger: Logger = Logger(label: "sluice.kafka.admin")) throws(KafkaError) {
        callbacks = ClientCallbacks(logger: logger, configuration: configuration)
        let conf = try configuration.makeNativeConfiguration()
        callbacks.install(on: conf)
        handle = try makeClient(type: RD_KAFKA_PRODUCER, conf: conf)
    }

    deinit { rd_kafka_destroy(handle) }

    /// Creates topics; an existing topic is not an error when `ignoreExisting`.
    public func createTopics(_ topics: [NewTopic], ignoreExisting: Bool = true, timeoutMs: Int32 = 15_000) throws(KafkaError) {
        guard !topics.isEmpty else { return }
        var errstr = [CChar](repeating: 0, count: 512)
        var natives: [OpaquePointer?] = []
        defer { for t in natives { rd_kafka_NewTopic_destroy(t) } }
        for t in topics {
            guard let nt = rd_kafka_NewTopic_new(t.name, t.partitions, t.replicationFactor, &errstr, errstr.count) else {
                throw KafkaError(.configuration, "topic '\(t.name)': \(String(nulTerminated: errstr))")
            }
            natives.append(nt)
            for (k, v) in t.configs.sorted(by: { $0.key < $1.key }) {
                try KafkaError.check(rd_kafka_NewTopic_set_config(nt, k, v), "topic '\(t.name)' config \(k)")
            }
        }
        try withAdminResult(timeoutMs: timeoutMs, type: RD_KAFKA_EVENT_CREATETOPICS_RESULT) { queue, options in
            natives.withUnsafeMutableBufferPointer { buf in
                rd_kafka_CreateTopics(handle, buf.baseAddress, buf.count, options, queue)
            }
        } read: { (event) throws(KafkaError) in
            let result = rd_kafka_event_CreateTopics_result(event)
            var count = 0
            let results = rd_kafka_CreateTopics_result_topics(result, &count)
            for i in 0..<count {
                let r = results![i]
                let err = rd_kafka_topic_result_error(r)
                if err == RD_KAFKA_RESP_ERR_NO_ERROR { continue }
                if err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS && ignoreExisting { continue }
                let name = String(cString: rd_kafka_topic_result_name(r))
                let msg = rd_kafka_topic_result_error_string(r).map { String(cString: $0) } ?? ""
                throw KafkaError(responseCode: err, context: "create topic '\(name)' \(msg)")
            }
        }
    }

    public func deleteTopics(_ names: [String], timeoutMs: Int32 = 15_000) throws(KafkaError) {
        guard !names.isEmpty else { return }
        var natives: [OpaquePointer?] = names.map { rd_kafka_DeleteTopic_new($0) }
        defer { for t in natives { rd_kafka_DeleteTopic_destroy(t) } }
        try withAdminResult(timeoutMs: timeoutMs, type: RD_KAFKA_EVENT_DELETETOPICS_RESULT) { queue, options in
            natives.withUnsafeMutableBufferPointer { buf in
                rd_kafka_DeleteTopics(handle, buf.baseAddress, buf.count, options, queue)
            }
        } read: { (event) throws(KafkaError) in
            let result = rd_kafka_event_DeleteTopics_result(event)
            var count = 0
            let results = rd_kafka_DeleteTopics_result_topics(result, &count)
            for i in 0..<count {
                let r = results![i]
                let err = rd_kafka_topic_result_error(r)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    throw KafkaError(responseCode: err, context: "delete topic '\(String(cString: rd_kafka_topic_result_name(r)))'")
                }
            }
        }
    }

    /// Lists topics with their partitions (all topics, or just `topic`). Fails with a clear `.transport` error
    /// when no broker answers within the timeout — the way to tell an unreachable bootstrap from a slow one.
    public func describeTopics(_ topic: String? = nil, timeoutMs: Int32 = 10_000) throws(KafkaError) -> [TopicDescription] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        var rkt: OpaquePointer?
        if let topic { rkt = rd_kafka_topic_new(handle, topic, nil) }
        defer { if let rkt { rd_kafka_topic_destroy(rkt) } }
        let err = rd_kafka_metadata(handle, rkt == nil ? 1 : 0, rkt, &metadata, timeoutMs)
        if err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT {
            throw KafkaError(
                .transport,
                "no broker at '\(callbacks.configuration.bootstrapServers)' answered within \(timeoutMs) ms; "
                    + "check bootstrap.servers, the network and security settings", rdCode: err.rawValue,
                isRetriable: true)
        }
        try KafkaError.check(err, "read metadata")
        guard let metadata else { return [] }
        defer { rd_kafka_metadata_destroy(metadata) }
        var out: [TopicDescription] = []
        for i in 0..<Int(metadata.pointee.topic_cnt) {
            let t = metadata.pointee.topics[i]
            if t.err != RD_KAFKA_RESP_ERR_NO_ERROR { continue }
            let parts = (0..<Int(t.partition_cnt)).map { t.partitions[$0].id }.sorted()
            out.append(TopicDescription(name: String(cString: t.topic), partitions: parts))
        }
        return out.sorted { $0.name < $1.name }
    }

    /// Runs one admin request and reads its result event from a temporary queue.
    private func withAdminResult(
        timeoutMs: Int32, type: rd_kafka_event_type_t,
        request: (OpaquePointer, OpaquePointer) -> Void,
        read: (OpaquePointer) throws(KafkaError) -> Void
    ) throws(KafkaError) {
        let queue = rd_kafka_queue_new(handle)!
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_ANY)!
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errstr = [CChar](repeating: 0, count: 256)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, &errstr, errstr.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMs, &errstr, errstr.count)
        request(queue, options)
        guard let event = rd_kafka_queue_poll(queue, timeoutMs + 1_000) else {
            throw KafkaError(.timeout, "admin request got no answer within \(timeoutMs) ms", isRetriable: true)
        }
        defer { rd_kafka_event_destroy(event) }
        let err = rd_kafka_event_error(event)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let msg = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? ""
            throw KafkaError(responseCode: err, context: "admin request failed \(msg)")
        }
        guard rd_kafka_event_type(event) == type else { throw KafkaError(.broker, "unexpected admin result") }
        try read(event)
    }
}
