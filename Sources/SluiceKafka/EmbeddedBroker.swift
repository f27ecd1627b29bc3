import CRdKafka
import Logging

/// The development broker: librdkafka's mock cluster, speaking the Kafka protocol on loopback to any client
/// (Sluice, kcat, Python confluent-kafka).
///
/// Limits (librdkafka 2.0.2, measured): memory only; it keeps only about 5 MiB of (compressed) data per
/// partition and silently deletes older data — compress, use enough partitions and keep consumers up to date;
/// aborted transactional records are still delivered to `read_committed` consumers. Its listening sockets get
/// `TCP_NODELAY`, as a real broker's connections have (see `LoopbackNoDelay`).
///
/// ```swift
/// let broker = try EmbeddedBroker(brokers: 1)
/// try broker.createTopic("events", partitions: 8)
/// let config = KafkaConfiguration(bootstrapServers: broker.bootstrapServers)
/// ```
public final class EmbeddedBroker: @unchecked Sendable {
    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    public let bootstrapServers: String
    public let brokerCount: Int32

    public static let retentionWarning =
        "warning: the embedded broker keeps data in memory only, and librdkafka 2.0.2's mock cluster keeps only about "
        + "5 MiB of (compressed) data per partition, silently deleting older records. Compress, use enough partitions "
        + "and keep consumers up to date; use a real Kafka cluster for anything else."

    public init(brokers: Int32 = 1, defaultPartitions: Int32 = 4) throws(KafkaError) {
        let conf = rd_kafka_conf_new()!
        var errstr = [CChar](repeating: 0, count: 512)
        // Silence the owner handle: it never connects anywhere.
        _ = rd_kafka_conf_set(conf, "log_level", "0", &errstr, errstr.count)
        owner = try makeClient(type: RD_KAFKA_PRODUCER, conf: conf)
        guard let cluster = rd_kafka_mock_cluster_new(owner, Int32(brokers)) else {
            rd_kafka_destroy(owner)
            throw KafkaError(.clientCreation, "could not start the embedded broker")
        }
        self.cluster = cluster
        self.brokerCount = brokers
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        _ = defaultPartitions
        LoopbackNoDelay.apply(toSocketsOnPorts: listenerPorts)
    }

    /// The ports the brokers listen on (from `bootstrapServers`).
    var listenerPorts: Set<UInt16> {
        Set(bootstrapServers.split(separator: ",").compactMap { $0.split(separator: ":").last.flatMap { UInt16($0) } })
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }

    /// Creates a topic (idempotent in effect: an existing topic is left as it is).
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws(KafkaError) {
        let err = rd_kafka_mock_topic_create(cluster, name, partitions, min(replicationFactor, brokerCount))
        if err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS { return }
        try KafkaError.check(err, "create topic '\(name)' on the embedded broker")
    }

    /// Takes a broker down (connections closed, requests refused) — fault injection for tests.
    public func setBrokerDown(_ id: Int32) throws(KafkaError) {
        try KafkaError.check(rd_kafka_mock_broker_set_down(cluster, id), "take broker \(id) down")
    }

    public func setBrokerUp(_ id: Int32) throws(KafkaError) {
        try KafkaError.check(rd_kafka_mock_broker_set_up(cluster, id), "bring broker \(id) up")
        LoopbackNoDelay.apply(toSocketsOnPorts: listenerPorts)  // in case the broker listens anew
    }

    /// Adds round-trip latency to a broker.
    public func setRoundTripTime(broker id: Int32, ms: Int32) throws(KafkaError) {
        try KafkaError.check(rd_kafka_mock_broker_set_rtt(cluster, id, ms), "set broker \(id) rtt")
    }

    /// Makes the next `errors.count` requests of Kafka API `apiKey` (e.g. 0 = Produce) fail with these codes.
    public func pushRequestErrors(apiKey: Int16, errors: [Int32]) {
        let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        codes.withUnsafeBufferPointer { buf in
            rd_kafka_mock_push_request_errors_array(cluster, apiKey, buf.count, buf.baseAddress)
        }
    }
}
