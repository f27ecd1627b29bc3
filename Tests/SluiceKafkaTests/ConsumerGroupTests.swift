import Foundation
import SluiceCore
import Synchronization
import Testing
@testable import SluiceKafka

@Suite("Consumer groups")
struct ConsumerGroupTests {
    /// Two members split 8 partitions; one leaves half way. With offsets committed after processing,
    /// every record is processed exactly once across the rebalance.
    @Test("two members split 8 partitions and one leaves: every record consumed exactly once")
    func rebalanceExactlyOnce() throws {
        let broker = try EmbeddedBroker()
        let topic = TestKafka.uniqueName("group")
        try broker.createTopic(topic, partitions: 8)
        let collector = DeliveryCollector()
        let producer = try TestKafka.producer(broker, collector)
        let total = 4_000

        let group = TestKafka.uniqueName("g")
        let config = TestKafka.config(broker)
        let seen = SeenCounter()
        let a = try GroupMember(config: config, group: group, seen: seen)
        let b = try GroupMember(config: config, group: group, seen: seen)
        try a.consumer.subscribe([topic])
        try b.consumer.subscribe([topic])

        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline && (a.assigned.isEmpty || b.assigned.isEmpty) {
            try a.step()
            try b.step()
        }
        for i in 0..<total {
            try producer.sendWaiting(topic: topic, partition: Int32(i % 8), key: nil, value: Array("\(i)".utf8))
        }
        try producer.flush()
        #expect(collector.failures.isEmpty)
        while ContinuousClock.now < deadline && seen.total < total / 2 {
            try a.step()
            try b.step()
        }
        #expect(a.assigned.count + b.assigned.count == 8)
        #expect(a.assigned.isDisjoint(with: b.assigned))
        // B leaves cleanly (its revoke callback commits what it processed): its partitions move to A at once.
        b.consumer.close()
        while seen.total < total && ContinuousClock.now < deadline { try a.step() }
        #expect(a.assigned.count == 8)
        #expect(seen.distinct == total)
        #expect(seen.duplicates == 0)
        a.consumer.close()
    }
}

final class SeenCounter: @unchecked Sendable {
    private var counts: [String: Int] = [:]
    func add(_ s: String) { counts[s, default: 0] += 1 }
    var total: Int { counts.values.reduce(0, +) }
    var distinct: Int { counts.count }
    var duplicates: Int { counts.values.filter { $0 > 1 }.count }
}

/// A group member that processes records, then commits their next offsets; on revocation it commits
/// what it processed before giving the partitions up — the engine's protocol in miniature.
final class GroupMember: @unchecked Sendable {
    var consumer: KafkaConsumer!
    var assigned = Set<Int32>()
    var pending: [TopicPartition: Int64] = [:]
    let seen: SeenCounter

    init(config: KafkaConfiguration, group: String, seen: SeenCounter) throws {
        self.seen = seen
        consumer = try KafkaConsumer(configuration: config, groupID: group, logger: TestKafka.quiet) { [unowned self] event in
            switch event {
            case .assigned(let ps):
                assigned.formUnion(ps.map(\.partition))
                // Offsets we processed but could not commit (the group was mid-rebalance): we were the last
                // owner, so resume from them — the role a checkpoint manifest plays in the engine.
                return ps.compactMap { p in pending[p].map { TopicPartition(topic: p.topic, partition: p.partition, offset: $0) } }
            case .revoked(let ps):
                try? commitPending()
                assigned.subtract(ps.map(\.partition))
            case .lost(let ps):
                assigned.subtract(ps.map(\.partition))
            }
            return []
        }
    }

    func commitPending() throws {
        let offsets = pending.map { TopicPartition(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
        try consumer.commit(offsets)
        pending.removeAll()
    }

    /// Kafka's "not now" answers to a commit during a rebalance.
    static func isRebalanceConflict(_ e: KafkaError) -> Bool {
        e.isRetriable || e.rdCode == 22 /* ILLEGAL_GENERATION */ || e.rdCode == 25 /* UNKNOWN_MEMBER_ID */
    }

    func step() throws {
        consumer.consume(maxMessages: 50, timeoutMs: 50) { m in
            seen.add(String(decoding: m.value!, as: UTF8.self))
            pending[TopicPartition(topic: m.topic, partition: m.partition, offset: TopicPartition.invalidOffset)] = m.offset + 1
        }
        // Between a revocation and the next assignment the member holds no generation to commit with.
        guard !assigned.isEmpty, !pending.isEmpty else { return }
        do { try commitPending() } catch let error as KafkaError where Self.isRebalanceConflict(error) {
            // Rebalance in progress: keep the offsets and commit them in the revoke callback or next step.
        }
    }
}
