import Foundation
import SluiceCore
import Testing
@testable import SluiceKafka

@Suite("Transactions")
struct TransactionTests {
    @Test("init, begin, send offsets, commit and abort; committed offsets become the group's")
    func transactions() throws {
        let broker = try EmbeddedBroker(brokers: 3)
        let input = TestKafka.uniqueName("txn-in")
        let output = TestKafka.uniqueName("txn-out")
        try broker.createTopic(input, partitions: 1, replicationFactor: 3)
        try broker.createTopic(output, partitions: 1, replicationFactor: 3)
        let collector = DeliveryCollector()
        let plain = try TestKafka.producer(broker, collector)
        for i in 0..<10 { try plain.send(topic: input, partition: 0, key: nil, value: Array("in\(i)".utf8)) }
        try plain.flush()

        let group = TestKafka.uniqueName("g")
        let consumer = try KafkaConsumer(
            configuration: TestKafka.config(broker, ["isolation.level": "read_committed"]), groupID: group,
            logger: TestKafka.quiet)
        try consumer.subscribe([input])
        let records = TestKafka.consume(consumer, count: 10)
        #expect(records.count == 10)

        let txCollector = DeliveryCollector()
        let producer = try TestKafka.producer(broker, txCollector, ["transactional.id": TestKafka.uniqueName("tx")])
        try producer.initTransactions()

        // An aborted transaction: its offsets must not become the group's committed offsets.
        try producer.beginTransaction()
        try producer.send(topic: output, partition: 0, key: nil, value: Array("aborted".utf8))
        try producer.sendOffsetsToTransaction([TopicPartition(topic: input, partition: 0, offset: 3)], consumer: consumer)
        try producer.abortTransaction()
        let afterAbort = try consumer.committed([TopicPartition(topic: input, partition: 0)])
        #expect(afterAbort.first?.offset == TopicPartition.invalidOffset)

        // A committed transaction: its offsets are the group's committed offsets afterwards.
        try producer.beginTransaction()
        for r in records { try producer.send(topic: output, partition: 0, key: nil, value: r.value) }
        try producer.sendOffsetsToTransaction([TopicPartition(topic: input, partition: 0, offset: 10)], consumer: consumer)
        try producer.commitTransaction()
        let afterCommit = try consumer.committed([TopicPartition(topic: input, partition: 0)])
        // librdkafka 2.0.2's mock cluster answers TxnOffsetCommit without storing the offsets (its handler
        // only parses them), so this holds on a real broker only. Recorded as a known issue so that a fixed
        // mock makes this test report it.
        withKnownIssue("mock cluster discards TxnOffsetCommit offsets (librdkafka 2.0.2)") {
            #expect(afterCommit.first?.offset == 10)
        }
        // Records of the aborted transaction are purged (that is what abort does); the committed ones are delivered.
        let failedTokens = txCollector.failures.filter { $0.error?.message.contains("Purged") != true }
        #expect(failedTokens.isEmpty)
        #expect(txCollector.count == 11)

        // Note: librdkafka 2.0.2's mock cluster still delivers aborted records to read_committed consumers,
        // so abort *invisibility* cannot be asserted here; it holds on a real broker. We check that the
        // committed records arrived.
        let reader = try KafkaConsumer(
            configuration: TestKafka.config(broker, ["isolation.level": "read_committed"]), groupID: TestKafka.uniqueName("r"),
            logger: TestKafka.quiet)
        try reader.subscribe([output])
        let out = TestKafka.consume(reader, count: 11, timeout: .seconds(10)).compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } }
        #expect(Set(out).isSuperset(of: (0..<10).map { "in\($0)" }))
        consumer.close()
        reader.close()
    }
}
