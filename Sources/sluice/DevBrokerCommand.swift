import ArgumentParser
import Foundation
import SluiceKafka

struct DevBrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-broker",
        abstract: "Run the embedded development broker (librdkafka's mock cluster) until Ctrl-C.",
        discussion: """
            Prints its bootstrap address on the first line of standard output, so any Kafka client
            (kcat, Python confluent-kafka, another sluice process) can connect to it.
            \(EmbeddedBroker.retentionWarning)
            """
    )

    @Option(help: "Number of brokers in the mock cluster.")
    var brokers: Int32 = 1

    @Option(name: .customLong("topic"), help: "Create a topic, as NAME:PARTITIONS (repeatable).")
    var topics: [String] = []

    func run() async throws {
        let broker = try EmbeddedBroker(brokers: brokers)
        for spec in topics {
            let parts = spec.split(separator: ":")
            guard parts.count <= 2, let name = parts.first, parts.count == 1 || Int32(parts[1]) != nil else {
                throw ValidationError("--topic expects NAME or NAME:PARTITIONS, got '\(spec)'")
            }
            try broker.createTopic(String(name), partitions: parts.count == 2 ? Int32(parts[1])! : 4,
                                   replicationFactor: min(brokers, 3))
        }
        FileHandle.standardOutput.write(Data((broker.bootstrapServers + "\n").utf8))
        FileHandle.standardError.write(Data((EmbeddedBroker.retentionWarning + "\n").utf8))
        ShutdownSignal.shared.install()
        await ShutdownSignal.shared.wait()
        withExtendedLifetime(broker) {}
    }
}
