import ArgumentParser
import Foundation
import SluiceInference
import SluiceKafka

/// `sluice model list|activate|rollback|canary|shadow|promote` over a registry directory. With `--bootstrap`
/// and `--control-topic`, the change is published as a control message so running engines switch live
/// (they apply and audit it); otherwise the registry files are changed directly (used at the next start).
enum ModelRegistryCommands {
    static let all: [any ParsableCommand.Type] = [List.self, Activate.self, Rollback.self, Canary.self, Shadow.self, Promote.self]

    struct RegistryOptions: ParsableArguments {
        @Option(help: "Registry directory (models/<name>/<version>/...).") var registry: String = "models"
        @Option(help: "Publish the change to this control topic instead of editing the registry.") var controlTopic: String?
        @Option(help: "Kafka bootstrap servers for --control-topic.") var bootstrap: String?
        @Option(help: "Who is making the change (for the audit log).") var by: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"

        func publishOrApply(_ message: [String: Any], local: (ModelRegistry) throws -> ModelDeployment) throws {
            if let topic = controlTopic {
                guard let bootstrap else { throw ValidationError("--control-topic needs --bootstrap") }
                let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: bootstrap))
                let data = try JSONSerialization.data(withJSONObject: message.merging(["by": by]) { a, _ in a }, options: [.sortedKeys])
                try producer.send(topic: topic, key: nil, value: Array(data))
                try producer.flush()
                print("published to \(topic): \(String(decoding: data, as: UTF8.self))")
            } else {
                let deployment = try local(ModelRegistry(root: registry))
                print("\(deployment.name): active \(deployment.active)" + (deployment.candidate.map { ", candidate \($0) (\(deployment.strategy))" } ?? ""))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List models and versions in a registry.")
        @OptionGroup var options: RegistryOptions
        @Argument(help: "Model name (all models when omitted).") var name: String?
        func run() throws {
            let registry = ModelRegistry(root: options.registry)
            for model in name.map({ [$0] }) ?? registry.modelNames() {
                let active = (try? registry.state(of: model))??.active
                print(model + "  (active: \(active ?? "none"))")
                for meta in try registry.list(model) {
                    let metrics = meta.metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                    print("  \(meta.version)  \(meta.format)  features=\(meta.features.count)  \(metrics)  sha256=\(meta.sha256.prefix(12))…")
                }
            }
        }
    }

    struct Activate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a version the active one (live through --control-topic).")
        @OptionGroup var options: RegistryOptions
        @Argument var name: String
        @Argument var version: String
        func run() throws {
            try options.publishOrApply(["action": "activate", "model": name, "version": version]) {
                try $0.activate(name, version: version, by: options.by)
            }
        }
    }

    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Go back to the previous version (or drop a canary/shadow candidate).")
        @OptionGroup var options: RegistryOptions
        @Argument var name: String
        func run() throws {
            try options.publishOrApply(["action": "rollback", "model": name]) { try $0.rollback(name, by: options.by) }
        }
    }

    struct Canary: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a share of keys (sticky by key hash) to a candidate version.")
        @OptionGroup var options: RegistryOptions
        @Argument var name: String
        @Argument var version: String
        @Option(help: "Share of keys for the candidate, 0...1.") var share: Double = 0.1
        func run() throws {
            try options.publishOrApply(["action": "canary", "model": name, "version": version, "share": share]) {
                try $0.startCanary(name, version: version, share: share, by: options.by)
            }
        }
    }

    struct Shadow: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Score a candidate version in the shadow of the active one.")
        @OptionGroup var options: RegistryOptions
        @Argument var name: String
        @Argument var version: String
        func run() throws {
            try options.publishOrApply(["action": "shadow", "model": name, "version": version]) {
                try $0.startShadow(name, version: version, by: options.by)
            }
        }
    }

    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make the canary/shadow candidate the active version.")
        @OptionGroup var options: RegistryOptions
        @Argument var name: String
        func run() throws {
            try options.publishOrApply(["action": "promote", "model": name]) { try $0.promote(name, by: options.by) }
        }
    }
}
