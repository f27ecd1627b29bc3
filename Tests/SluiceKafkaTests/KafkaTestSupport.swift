import Foundation
import Logging
import SluiceCore
import Synchronization
@testable import SluiceKafka

/// Collects delivery reports from a producer's callback thread.
final class DeliveryCollector: Sendable {
    let reports = Mutex<[DeliveryReport]>([])
    var handler: @Sendable (DeliveryReport) -> Void { { r in self.reports.withLock { $0.append(r) } } }
    var count: Int { reports.withLock { $0.count } }
    var failures: [DeliveryReport] { reports.withLock { $0.filter { $0.error != nil } } }
}

/// A record copied out of a consumer callback.
struct ConsumedRecord: Sendable, Equatable {
    var topic: String
    var partition: Int32
    var offset: Int64
    var key: [UInt8]?
    var value: [UInt8]?
    var headers: [Header]
    var timestamp: Int64?

    init(_ m: KafkaMessage) {
        topic = m.topic
        partition = m.partition
        offset = m.offset
        key = m.keyBytes
        value = m.valueBytes
        headers = m.headers
        timestamp = m.timestamp
    }
}

enum TestKafka {
    static let quiet: Logger = {
        var l = Logger(label: "test")
        l.logLevel = .critical
        return l
    }()

    static func config(_ broker: EmbeddedBroker, _ extra: [String: String] = [:]) -> KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: broker.bootstrapServers, properties: extra)
    }

    static func uniqueName(_ prefix: String) -> String { "\(prefix)-\(UInt32.random(in: 0...UInt32.max))" }

    /// Consumes until `count` records arrived or `timeout` passed.
    static func consume(
        _ consumer: KafkaConsumer, count: Int, timeout: Duration = .seconds(30)
    ) -> [ConsumedRecord] {
        var out: [ConsumedRecord] = []
        let deadline = ContinuousClock.now + timeout
        while out.count < count && ContinuousClock.now < deadline {
            consumer.consume(maxMessages: 1000, timeoutMs: 100) { out.append(ConsumedRecord($0)) }
        }
        return out
    }

    static func producer(_ broker: EmbeddedBroker, _ collector: DeliveryCollector, _ extra: [String: String] = [:]) throws
        -> KafkaProducer
    {
        try KafkaProducer(configuration: config(broker, extra), logger: quiet, onDelivery: collector.handler)
    }
}
