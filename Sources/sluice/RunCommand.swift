import ArgumentParser
import Foundation
import Logging
import SluiceEngine
import SluiceTopology

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a topology: one consumer-group member; start more processes with the same topology to scale out.",
        discussion: "SIGINT/SIGTERM drain, checkpoint and commit before exit; a second signal exits at once."
    )

    @Argument(help: "The topology file.") var file: String
    @Option(help: "Kafka bootstrap servers (overrides the topology's cluster.bootstrap).") var bootstrap: String?
    @Option(help: "State directory (overrides processing.checkpoint.dir).") var stateDir: String?
    @Option(help: "Instance name (part of the transactional id in exactly_once mode).") var instance: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "notice"
    @Option(help: "Stop after this many source records (benchmarks).") var maxRecords: Int?
    @Option(help: "Stop after this many milliseconds without input, once input was seen.") var stopWhenIdle: Int64?
    @Flag(help: "No progress line.") var quiet = false

    func run() throws {
        let topology = try TopologyLoading.compile(file)
        var logger = Logger(label: "sluice")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .notice
        let options = EngineOptions(
            bootstrapOverride: bootstrap, stateDirectory: stateDir, showProgress: !quiet, stopAfterRecords: maxRecords,
            stopWhenIdleMs: stopWhenIdle, instanceID: instance ?? ProcessInfo.processInfo.hostName, logger: logger)
        let engine = try Engine(topology: topology, options: options)
        ShutdownSignal.shared.install()
        let watcher = Thread {
            while !ShutdownSignal.shared.isRequested { Thread.sleep(forTimeInterval: 0.05) }
            engine.requestStop()
        }
        watcher.start()
        try engine.run()
    }
}
