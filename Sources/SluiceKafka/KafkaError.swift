import CRdKafka

/// An error from the Kafka layer, with the librdkafka code, whether retrying can help, and a message a user
/// can act on. Never contains a secret (configuration values are redacted before they reach a message).
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// An unknown property or an invalid value.
        case configuration
        /// The client could not be created.
        case clientCreation
        /// Brokers unreachable or a request timed out.
        case transport
        case timeout
        case queueFull
        case unknownTopicOrPartition
        case topicAlreadyExists
        /// A transactional-producer error; see `requiresAbort`.
        case transaction
        /// The client instance cannot be used any more (e.g. fenced idempotent producer).
        case fatal
        case message
        case broker
    }

    public var code: Code
    /// librdkafka's `rd_kafka_resp_err_t` value (0 when not applicable).
    public var rdCode: Int32
    public var message: String
    public var isRetriable: Bool
    public var isFatal: Bool
    /// Transactions: the current transaction must be aborted before continuing.
    public var requiresAbort: Bool

    public init(
        _ code: Code, _ message: String, rdCode: Int32 = 0, isRetriable: Bool = false, isFatal: Bool = false,
        requiresAbort: Bool = false
    ) {
        self.code = code
        self.message = message
        self.rdCode = rdCode
        self.isRetriable = isRetriable
        self.isFatal = isFatal
        self.requiresAbort = requiresAbort
    }

    public var description: String {
        var s = "kafka \(code.rawValue) error: \(message)"
        if isFatal { s += " (fatal)" } else if isRetriable { s += " (retriable)" }
        return s
    }

    /// Wraps a response code, classifying it.
    init(responseCode err: rd_kafka_resp_err_t, context: String) {
        let text = String(cString: rd_kafka_err2str(err))
        let code: Code
        switch err {
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT: code = .timeout
        case RD_KAFKA_RESP_ERR__QUEUE_FULL: code = .queueFull
        case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__RESOLVE:
            code = .transport
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
            RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
            code = .unknownTopicOrPartition
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: code = .topicAlreadyExists
        case RD_KAFKA_RESP_ERR__FATAL: code = .fatal
        default: code = err.rawValue < 0 ? .message : .broker
        }
        let retriable: Bool
        switch err {
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR__QUEUE_FULL,
            RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
            RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
            RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
            RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
            retriable = true
        default: retriable = false
        }
        self.init(
            code, "\(context): \(text)", rdCode: err.rawValue, isRetriable: retriable,
            isFatal: err == RD_KAFKA_RESP_ERR__FATAL)
    }

    /// Takes ownership of an `rd_kafka_error_t` and destroys it.
    init(consuming error: OpaquePointer, context: String) {
        defer { rd_kafka_error_destroy(error) }
        let err = rd_kafka_error_code(error)
        let text = String(cString: rd_kafka_error_string(error))
        let isTxn = rd_kafka_error_txn_requires_abort(error) != 0
        self.init(
            rd_kafka_error_is_fatal(error) != 0 ? .fatal : (isTxn ? .transaction : .broker),
            "\(context): \(text)", rdCode: err.rawValue,
            isRetriable: rd_kafka_error_is_retriable(error) != 0,
            isFatal: rd_kafka_error_is_fatal(error) != 0, requiresAbort: isTxn)
    }

    /// Returns nil for `RD_KAFKA_RESP_ERR_NO_ERROR`.
    static func check(_ err: rd_kafka_resp_err_t, _ context: @autoclosure () -> String) throws(KafkaError) {
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(responseCode: err, context: context()) }
    }

    static func check(error: OpaquePointer?, _ context: @autoclosure () -> String) throws(KafkaError) {
        if let error { throw KafkaError(consuming: error, context: context()) }
    }
}
