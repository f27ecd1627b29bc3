import CRdKafka
import Logging
import Synchronization

/// The outcome of producing one record, reported once per record.
public struct DeliveryReport: Sendable {
    /// The caller's token given to `produce` (e.g. a slot in its in-flight table).
    public var token: UInt
    /// The topic, for failed deliveries (nil for successes).
    public var topic: String?
    public var partition: Int32
    /// The offset the broker assigned, or -1 on error.
    public var offset: Int64
    public var error: KafkaError?
}

/// A partition assignment change, handed to the consumer's owner from inside librdkafka's rebalance callback:
/// revocations arrive *before* the partitions are given up, so the owner can checkpoint and commit first.
public enum RebalanceEvent: Sendable {
    case assigned([TopicPartition])
    case revoked([TopicPartition])
    /// The assignment was lost without a clean revoke (session timeout): state must not be committed.
    case lost([TopicPartition])
}

/// Callback targets shared with librdkafka through the configuration opaque pointer.
///
/// It lives as long as the `rd_kafka_t` it belongs to (the client holds it strongly).
final class ClientCallbacks: @unchecked Sendable {
    let logger: Logger
    let configuration: KafkaConfiguration
    /// A constant: read once per delivered record, a `var` would be copied (its context retained) each time.
    let onDelivery: ((DeliveryReport) -> Void)?
    // Set once before the client is created and never changed: no lock needed.
    var onRebalance: ((RebalanceEvent) -> [TopicPartition])?
    let lastError = Mutex<KafkaError?>(nil)

    init(logger: Logger, configuration: KafkaConfiguration, onDelivery: ((DeliveryReport) -> Void)? = nil) {
        self.logger = logger
        self.configuration = configuration
        self.onDelivery = onDelivery
    }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> ClientCallbacks? {
        guard let opaque else { return nil }
        return Unmanaged<ClientCallbacks>.fromOpaque(opaque).takeUnretainedValue()
    }

    /// Installs log and error callbacks (all clients) on `conf`.
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, opaque)
        rd_kafka_conf_set_log_cb(conf) { rk, level, fac, buf in
            guard let rk, let callbacks = ClientCallbacks.from(rd_kafka_opaque(rk)) else { return }
            let text = callbacks.configuration.redactSecrets(in: String(cString: buf!))
            let facility = String(cString: fac!)
            let swiftLevel: Logger.Level =
                switch level {
                case 0...3: .error
                case 4: .warning
                case 5, 6: .info
                default: .debug
                }
            callbacks.logger.log(level: swiftLevel, "\(text)", metadata: ["rdkafka.facility": "\(facility)"])
        }
        rd_kafka_conf_set_error_cb(conf) { rk, err, reason, opaque in
            guard let callbacks = ClientCallbacks.from(opaque) else { return }
            let text = callbacks.configuration.redactSecrets(in: String(cString: reason!))
            let error = KafkaError(responseCode: rd_kafka_resp_err_t(err), context: text)
            callbacks.lastError.withLock { $0 = error }
            callbacks.logger.warning("kafka client error", metadata: ["error": "\(error)"])
        }
    }
}
