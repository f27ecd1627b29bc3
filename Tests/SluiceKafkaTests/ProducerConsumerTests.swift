import Foundation
import SluiceCore
import Testing
@testable import SluiceKafka

@Suite("Producer and consumer on the embedded broker")
struct ProducerConsumerTests {
    @Test("round trip keeps keys, headers, timestamps, null keys and values, and 1 MB values")
    func roundTrip() throws {
        let broker = try EmbeddedBroker()
        let topic = TestKafka.uniqueName("roundtrip")
        try broker.createTopic(topic, partitions: 1)
        let collector = DeliveryCollector()
        let producer = try TestKafka.producer(broker, collector, ["message.max.bytes": "2000000"])
        let big = [UInt8]((0..<1_048_576).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let cases: [([UInt8]?, [UInt8]?, [Header], Int64)] = [
            (Array("k1".utf8), Array("v1".utf8), [Header("h1", "a"), Header(name: "h2", value: nil)], 1_700_000_000_000),
            (nil, Array("no key".utf8), [], 1_700_000_000_001),
            (Array("tombstone".utf8), nil, [], 1_700_000_000_002),
            (Array("big".utf8), big, [Header("size", "1MiB")], 1_700_000_000_003),
        ]
        for (i, c) in cases.enumerated() {
            try producer.send(topic: topic, partition: 0, key: c.0, value: c.1, headers: c.2, timestamp: c.3, token: UInt(i + 1))
        }
        try producer.flush()
        #expect(collector.count == cases.count)
        #expect(collector.failures.isEmpty)
        #expect(Set(collector.reports.withLock { $0.map(\.token) }) == [1, 2, 3, 4])

        let consumer = try KafkaConsumer(
            configuration: TestKafka.config(broker), groupID: TestKafka.uniqueName("g"), logger: TestKafka.quiet)
        try consumer.subscribe([topic])
        let got = TestKafka.consume(consumer, count: cases.count)
        #expect(got.count == cases.count)
        for (i, c) in cases.enumerated() where i < got.count {
            #expect(got[i].key == c.0)
            #expect(got[i].value == c.1)
            #expect(got[i].headers == c.2)
            #expect(got[i].timestamp == c.3)
            #expect(got[i].offset == Int64(i))
        }
        consumer.close()
    }

    @Test("records without headers are told apart without librdkafka's parse; headers still round-trip",
          arguments: ["lz4", "none"])
    func headerlessFastPath(compression: String) throws {
        let broker = try EmbeddedBroker()
        let topic = TestKafka.uniqueName("headerless")
        try broker.createTopic(topic, partitions: 1)
        let collector = DeliveryCollector()
        let producer = try TestKafka.producer(broker, collector, ["compression.type": compression])
        // Every third record has headers; values of varying length (one empty) so value ends fall anywhere.
        let count = 300
        func headers(_ i: Int) -> [Header] { i % 3 == 0 ? [Header("n", "\(i)"), Header(name: "empty", value: nil)] : [] }
        for i in 0..<count {
            let value = [UInt8](repeating: UInt8(ascii: "a") + UInt8(i % 26), count: i == 7 ? 0 : i % 97 + 1)
            try producer.send(topic: topic, partition: 0, key: nil, value: value, headers: headers(i), token: UInt(i + 1))
        }
        try producer.flush()
        #expect(collector.failures.isEmpty)

        let consumer = try KafkaConsumer(
            configuration: TestKafka.config(broker), groupID: TestKafka.uniqueName("g"), logger: TestKafka.quiet)
        try consumer.subscribe([topic])
        var seen = 0, fastPath = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while seen < count && ContinuousClock.now < deadline {
            consumer.consume(maxMessages: 1000, timeoutMs: 100) { m in
                let i = Int(m.offset)
                #expect(m.headers == headers(i), "record \(i)")
                if m.certainlyHeaderless {
                    fastPath += 1
                    #expect(headers(i).isEmpty, "record \(i) has headers but was judged headerless")
                }
                seen += 1
            }
        }
        #expect(seen == count)
        // Every record without headers and with a value takes the fast path, but for a value ending a page.
        #expect(fastPath >= count * 2 / 3 - 3)
        consumer.close()
    }

    @Test("pause stops delivery of a partition, resume restarts it")
    func pauseResume() throws {
        let broker = try EmbeddedBroker()
        let topic = TestKafka.uniqueName("pause")
        try broker.createTopic(topic, partitions: 2)
        let collector = DeliveryCollector()
        let producer = try TestKafka.producer(broker, collector)
        let consumer = try KafkaConsumer(
            configuration: TestKafka.config(broker, ["queued.min.messages": "1", "fetch.wait.max.ms": "5"]),
            groupID: TestKafka.uniqueName("g"), logger: TestKafka.quiet)
        try consumer.assign([TopicPartition(topic: topic, partition: 0, offset: 0), TopicPartition(topic: topic, partition: 1, offset: 0)])
        try consumer.pause([TopicPartition(topic: topic, partition: 1)])
        for i in 0..<20 {
            try producer.send(topic: topic, partition: Int32(i % 2), key: nil, value: Array("r\(i)".utf8))
        }
        try producer.flush()
        var got = TestKafka.consume(consumer, count: 20, timeout: .seconds(3))
        #expect(got.count == 10)
        #expect(got.allSatisfy { $0.partition == 0 })
        try consumer.resume([TopicPartition(topic: topic, partition: 1)])
        got = TestKafka.consume(consumer, count: 10, timeout: .seconds(10))
        #expect(got.count == 10)
        #expect(got.allSatisfy { $0.partition == 1 })
    }
}
