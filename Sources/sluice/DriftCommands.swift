import ArgumentParser
import Foundation
import SluiceDrift
import SluiceKafka
import SluiceStats

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile", abstract: "Build a reference profile (per-feature statistics, bins, sketch) from a CSV.")
    @Option(help: "Input CSV (header row).") var input: String
    @Option(help: "Features to profile, comma-separated (all columns when omitted).") var features: String?
    @Option(help: "Output profile JSON.") var out: String = "profile.json"

    func run() throws {
        let profile = try DriftCLI.profile(csvPath: input, features: features?.split(separator: ",").map(String.init), outputPath: out)
        print("wrote \(out): profile \(profile.id), \(profile.features.count) features")
    }
}

struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift", abstract: "Offline drift checks with the same code as the drift operator.",
        subcommands: [Compare.self, Detect.self])

    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Compare a current CSV with a reference CSV (or profile) per feature.")
        @Option(help: "Reference CSV, or a profile JSON made by `sluice profile`.") var reference: String
        @Option(help: "Current CSV.") var current: String
        @Option(help: "Features to compare, comma-separated.") var features: String?
        @Flag(help: "Print the drift report as JSON.") var json = false

        func run() throws {
            let list = features?.split(separator: ",").map(String.init)
            let report: DriftReport
            if reference.hasSuffix(".json") {
                report = try DriftCLI.compare(profile: try DriftCLI.loadProfile(path: reference), currentCSV: current, config: .standard,
                                              context: DriftCLI.defaultContext)
            } else {
                report = try DriftCLI.compare(referenceCSV: reference, currentCSV: current, features: list)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(DriftReportRenderer.render(report, color: isatty(STDOUT_FILENO) != 0))
            }
            if report.datasetDrift { throw ExitCode(3) }
        }
    }

    struct Detect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a streaming detector over a CSV column and print where it fires.")
        @Option(help: "adwin, page-hinkley, ddm or kswin.") var detector: String
        @Option(name: .customLong("param"), help: "Detector parameter as k=v (River's names), repeatable.") var params: [String] = []
        @Option(help: "CSV with a `value` column (or a single column).") var input: String

        func run() throws {
            var parsed: [String: Double] = [:]
            for p in params {
                let kv = p.split(separator: "=", maxSplits: 1)
                guard kv.count == 2, let v = Double(kv[1]) else { throw ValidationError("--param expects k=v with a number, got '\(p)'") }
                parsed[String(kv[0])] = v
            }
            let name = detector.replacingOccurrences(of: "-", with: "_")
            for (index, signal) in try DriftCLI.detect(detector: name, params: parsed, inputCSV: input) {
                print("\(index)\t\(signal)")
            }
        }
    }
}

struct TailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail", abstract: "Follow a drift topic and show each report as a readable table.")
    @Argument(help: "Topic to follow.") var topic: String
    @Option(help: "Kafka bootstrap servers.") var bootstrap: String
    @Flag(help: "Start from the beginning of the topic.") var fromBeginning = false
    @Flag(help: "One line per report.") var compact = false
    @Option(help: "Exit after this many reports.") var max: Int?

    func run() throws {
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: bootstrap, properties: ["auto.offset.reset": fromBeginning ? "earliest" : "latest"]),
            groupID: "sluice-tail-\(UInt32.random(in: 0...UInt32.max))")
        try consumer.subscribe([topic])
        ShutdownSignal.shared.install()
        let color = isatty(STDOUT_FILENO) != 0
        var shown = 0
        while !ShutdownSignal.shared.isRequested && (max.map { shown < $0 } ?? true) {
            consumer.consume(maxMessages: 100, timeoutMs: 200) { m in
                guard let bytes = m.valueBytes else { return }
                if let envelope = try? ReportEnvelope.decode(bytes) {
                    print(compact ? DriftReportRenderer.renderCompact(envelope.report)
                        : DriftReportRenderer.render(envelope.report, performance: envelope.performance, color: color))
                } else {
                    print(String(decoding: bytes, as: UTF8.self))
                }
                shown += 1
            }
        }
        consumer.close()
    }
}
