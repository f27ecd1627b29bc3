import ArgumentParser
import Foundation
import Logging
import SluiceKafka
import Synchronization

/// The live demo: the embedded broker, a synthetic producer of transactions, and a consumer showing progress.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "The live demo and its synthetic data.",
        subcommands: [DemoFraudCommand.self, DemoKafkaCommand.self, DemoDataCommand.self], defaultSubcommand: DemoFraudCommand.self)
}

/// Synthetic transactions (and their labels) to files: training data for the demo model, backfill input.
struct DemoDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "data", abstract: "Write synthetic transactions and labels as JSON lines.")
    @Option(help: "Events to write.") var events = 100_000
    @Option(help: "Transactions output (.jsonl).") var out = "transactions.jsonl"
    @Option(help: "Labels output (.jsonl); each event's label with labelled_at = ts + delay.") var labels = "labels.jsonl"
    @Option(help: "Shift the distribution after this many events (default: never).") var driftAfter: Int?
    @Option(help: "Every Nth event is invalid (negative amount).") var invalidEvery: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Label delay in ms.") var labelDelay: Int64 = 60_000

    func run() throws {
        var generator = SyntheticTransactions(seed: seed, driftAfter: driftAfter, invalidEvery: invalidEvery)
        var tx: [UInt8] = []
        var lb: [UInt8] = []
        for _ in 0..<events {
            _ = generator.next(into: &tx)
            tx.append(10)
            lb.append(contentsOf: Array(generator.lastLabel(delayMs: labelDelay).json.utf8))
            lb.append(10)
        }
        try Data(tx).write(to: URL(fileURLWithPath: out))
        try Data(lb).write(to: URL(fileURLWithPath: labels))
        print("wrote \(events) transactions to \(out) and their labels to \(labels)")
    }
}

/// The Kafka-layer demo: embedded broker, a synthetic producer and a consumer showing progress.
struct DemoKafkaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka", abstract: "Run a live demo of the Kafka layer on the embedded broker (ends by itself, or on Ctrl-C).")

    @Option(help: "Events to produce.") var events = 200_000
    @Option(help: "Events per second (0 = as fast as possible).") var rate = 20_000

    func run() async throws {
        ShutdownSignal.shared.install()
        let broker = try EmbeddedBroker()
        try broker.createTopic("transactions", partitions: 8)
        FileHandle.standardError.write(Data("embedded broker at \(broker.bootstrapServers) (topic transactions, 8 partitions)\n".utf8))
        let delivered = Atomic<Int>(0)
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers), logger: KafkaThroughput.quietLogger
        ) { report in if report.error == nil { delivered.add(1, ordering: .relaxed) } }
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers), groupID: "demo",
            logger: KafkaThroughput.quietLogger)
        try consumer.subscribe(["transactions"])

        var generator = SyntheticTransactions(seed: 7, driftAfter: events / 2)
        var buffer: [UInt8] = []
        var consumed = 0
        var bytes = 0
        var progress = ProgressLine()
        let start = ContinuousClock.now
        var produced = 0
        while (produced < events || consumed < produced) && !ShutdownSignal.shared.isRequested {
            // Produce this slice's share, then drain what arrived: the consumer keeps up with the producer.
            let due = rate == 0 ? events : min(events, Int((ContinuousClock.now - start).seconds * Double(rate)) + 1)
            while produced < due {
                buffer.removeAll(keepingCapacity: true)
                let key = generator.next(into: &buffer)
                try producer.sendWaiting(topic: "transactions", key: Array(key.utf8), value: buffer)
                produced += 1
            }
            producer.poll()
            consumed += consumer.consume(maxMessages: 10_000, timeoutMs: 20) { m in bytes &+= m.value?.count ?? 0 }
            let elapsed = (ContinuousClock.now - start).seconds
            progress.update(
                "produced \(produced) (acked \(delivered.load(ordering: .relaxed)))  consumed \(consumed)  "
                    + "\(formatRate(Double(consumed) / max(elapsed, 0.001))) rec/s  "
                    + (generator.isDrifted ? "[distribution shifted]" : ""))
        }
        try producer.flush()
        progress.finish()
        consumer.close()
        let elapsed = (ContinuousClock.now - start).seconds
        print("demo finished: \(consumed) events consumed in \(String(format: "%.1f", elapsed)) s, "
            + "\(bytes / 1024) KiB, peak RSS \(peakRSSBytes() / 1_048_576) MiB")
    }
}
