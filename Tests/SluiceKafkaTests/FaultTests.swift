import Foundation
import SluiceCore
import Testing
@testable import SluiceKafka

@Suite("Faults and bad configuration")
struct FaultTests {
    @Test("a broker taken down and brought back while producing 100k idempotent records: each delivered once, in order")
    func brokerDownAndUp() throws {
        let broker = try EmbeddedBroker(brokers: 1)
        let topic = TestKafka.uniqueName("faults")
        try broker.createTopic(topic, partitions: 4)
        let collector = DeliveryCollector()
        let producer = try TestKafka.producer(
            broker, collector, ["message.timeout.ms": "120000", "linger.ms": "2", "compression.type": "lz4"])
        let total = 100_000
        for i in 0..<total {
            if i == 30_000 { try broker.setBrokerDown(1) }
            if i == 60_000 { try broker.setBrokerUp(1) }
            let value = withUnsafeBytes(of: UInt64(i).littleEndian) { Array($0) }
            try producer.sendWaiting(topic: topic, partition: Int32(i % 4), key: nil, value: value, token: UInt(i))
            if i % 1000 == 0 { producer.poll() }
        }
        try producer.flush(timeoutMs: 120_000)
        #expect(collector.count == total)
        #expect(collector.failures.isEmpty)

        let consumer = try KafkaConsumer(configuration: TestKafka.config(broker), groupID: TestKafka.uniqueName("g"), logger: TestKafka.quiet)
        try consumer.subscribe([topic])
        let got = TestKafka.consume(consumer, count: total, timeout: .seconds(60))
        #expect(got.count == total)
        var lastPerPartition: [Int32: UInt64] = [:]
        var seen = Set<UInt64>()
        var inOrder = true
        for r in got {
            let v = r.value!.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            if let last = lastPerPartition[r.partition], last >= v { inOrder = false }
            lastPerPartition[r.partition] = v
            seen.insert(v)
        }
        #expect(seen.count == total)
        #expect(inOrder)
        consumer.close()
    }

    @Test("an unknown property is a configuration error naming it")
    func unknownProperty() {
        let config = KafkaConfiguration(bootstrapServers: "127.0.0.1:9", properties: ["linger.mss": "5"])
        #expect {
            _ = try KafkaProducer(configuration: config)
        } throws: { error in
            guard let e = error as? KafkaError else { return false }
            return e.code == .configuration && e.message.contains("linger.mss")
        }
    }

    @Test("an invalid value is a configuration error, and a secret value is never shown")
    func invalidValueRedacted() {
        let config = KafkaConfiguration(
            bootstrapServers: "127.0.0.1:9", properties: ["sasl.password": "hunter2", "security.protocol": "carrier-pigeon"])
        #expect(!config.description.contains("hunter2"))
        #expect {
            _ = try KafkaProducer(configuration: config)
        } throws: { error in
            guard let e = error as? KafkaError else { return false }
            return e.code == .configuration && e.message.contains("security.protocol") && !e.message.contains("hunter2")
        }
    }

    @Test("an unreachable bootstrap gives a clear transport error within the timeout, not a hang")
    func unreachableBootstrap() throws {
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"), logger: TestKafka.quiet)
        let start = ContinuousClock.now
        #expect {
            _ = try admin.describeTopics(timeoutMs: 1500)
        } throws: { error in
            guard let e = error as? KafkaError else { return false }
            return e.code == .transport && e.message.contains("127.0.0.1:1")
        }
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test("admin lists topics with their partitions; topic creation on the mock is refused clearly")
    func adminTopics() throws {
        let broker = try EmbeddedBroker()
        let name = TestKafka.uniqueName("listed")
        try broker.createTopic(name, partitions: 6)
        let admin = try KafkaAdmin(configuration: TestKafka.config(broker), logger: TestKafka.quiet)
        let described = try admin.describeTopics(name)
        #expect(described == [TopicDescription(name: name, partitions: Array(0..<6))])
        // The mock cluster has no CreateTopics handler and no controller: the admin call must fail
        // with an error, not hang (EmbeddedBroker.createTopic is the way to create topics on it).
        #expect(throws: KafkaError.self) {
            try admin.createTopics([NewTopic(name: name + "-c", partitions: 2, configs: ["cleanup.policy": "compact"])], timeoutMs: 1500)
        }
    }
}
