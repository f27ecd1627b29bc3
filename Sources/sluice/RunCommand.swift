import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SluiceEngine
import SluiceServer
import SluiceService
import SluiceTopology

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a topology: one consumer-group member; start more processes with the same topology to scale out.",
        discussion: """
            SIGINT/SIGTERM drain, checkpoint and commit before exit; a second signal exits at once.
            The admin HTTP server (metrics, health, admin API) listens on --admin-address:--admin-port;
            SLUICE_SERVER_* environment variables override (see docs/operations.md).
            """
    )

    @Argument(help: "The topology file.") var file: String
    @Option(help: "Kafka bootstrap servers (overrides the topology's cluster.bootstrap).") var bootstrap: String?
    @Option(help: "State directory (overrides processing.checkpoint.dir).") var stateDir: String?
    @Option(help: "Instance name (part of the transactional id in exactly_once mode).") var instance: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "notice"
    @Option(help: "Stop after this many source records (benchmarks).") var maxRecords: Int?
    @Option(help: "Stop after this many milliseconds without input, once input was seen.") var stopWhenIdle: Int64?
    @Flag(help: "No progress line.") var quiet = false
    @Option(help: "Admin server address.") var adminAddress = "127.0.0.1"
    @Option(help: "Admin server port (0 picks a free port).") var adminPort = ServerConfiguration.defaultPort
    @Option(help: "Tokens file for the admin API (hashes only; see `sluice admin token create`).") var tokensFile: String?
    @Option(help: "Append-only audit log of mutating admin calls.") var auditLog = "sluice-audit.jsonl"
    @Flag(help: "Do not start the admin HTTP server.") var noAdmin = false

    func run() async throws {
        let topology = try TopologyLoading.compile(file)
        var baseLogger = Logger(label: "sluice")
        baseLogger.logLevel = Logger.Level(rawValue: logLevel) ?? .notice
        let logger = baseLogger
        let options = EngineOptions(
            bootstrapOverride: bootstrap, stateDirectory: stateDir, showProgress: !quiet, stopAfterRecords: maxRecords,
            stopWhenIdleMs: stopWhenIdle, instanceID: instance ?? ProcessInfo.processInfo.hostName, logger: logger)
        let engine = try Engine(topology: topology, options: options)
        ShutdownSignal.shared.install()
        let engineDone = EngineCompletion()
        let thread = Thread {
            do { try engine.run() } catch { engineDone.fail(error) }
            engineDone.finish()
        }
        thread.stackSize = 8 << 20
        thread.start()

        var server: AdminServer?
        if !noAdmin {
            let config = try ServerConfiguration(address: adminAddress, port: adminPort, tokensFile: tokensFile, auditLog: auditLog)
                .applyingEnvironment(ProcessInfo.processInfo.environment)
            let registry = MetricsRegistry.sluice()
            MetricsBridge(engine: engine, registry: registry).install()
            var s = try AdminServer(configuration: config, engine: EngineAdminBridge(engine: engine, topology: topology),
                                    metrics: registry, logger: logger)
            s.onServerRunning = { port in logger.notice("admin server listening", metadata: ["address": "\(config.address):\(port ?? config.port)"]) }
            server = s
        }
        let serverTask = Task {
            guard let server else { return }
            do {
                let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: logger)
                try await withTaskCancellationHandler {
                    try await group.run()
                } onCancel: {
                    Task { await group.triggerGracefulShutdown() }
                }
            } catch {
                logger.error("admin server stopped", metadata: ["error": "\(error)"])
            }
        }
        while !engineDone.isFinished {
            if ShutdownSignal.shared.isRequested { engine.requestStop() }
            try await Task.sleep(for: .milliseconds(50))
        }
        serverTask.cancel()
        _ = await serverTask.result
        if let error = engineDone.error { throw error }
    }
}

/// The engine thread's outcome, read by the command's async side.
final class EngineCompletion: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    private var failure: (any Error)?
    func finish() { lock.withLock { done = true } }
    func fail(_ error: any Error) { lock.withLock { failure = error } }
    var isFinished: Bool { lock.withLock { done } }
    var error: (any Error)? { lock.withLock { failure } }
}
