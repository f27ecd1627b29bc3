import ArgumentParser
import Foundation
import SluiceEngine
import SluiceTopology

/// Compiles a topology file for a command, printing diagnostics (with colour on a terminal).
enum TopologyLoading {
    static func compile(_ path: String, quietNotes: Bool = true) throws -> Topology {
        let (topology, diagnostics) = TopologyCompiler.compile(
            file: path, environment: ProcessInfo.processInfo.environment, hooks: StandardValidationHooks.make())
        print(diagnostics: diagnostics, quietNotes: quietNotes)
        guard let topology else {
            let errors = diagnostics.filter { $0.severity == .error }.count
            throw ExitCode.validationFailure(errors: errors, file: path)
        }
        return topology
    }

    static func print(diagnostics: [Diagnostic], quietNotes: Bool) {
        let color = isatty(STDERR_FILENO) != 0
        for d in diagnostics where !(quietNotes && d.severity == .note) {
            var line = d.description
            if color {
                let code = d.severity == .error ? "31" : d.severity == .warning ? "33" : "36"
                line = line.replacingOccurrences(of: ": \(d.severity.rawValue):", with: ": \u{1B}[\(code)m\(d.severity.rawValue)\u{1B}[0m:")
            }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}

extension ExitCode {
    static func validationFailure(errors: Int, file: String) -> ExitCode {
        FileHandle.standardError.write(Data("\(file): \(errors) error\(errors == 1 ? "" : "s"); nothing was deployed\n".utf8))
        return ExitCode(1)
    }
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a topology file before deploying it (every error with file:line:column).")

    @Argument(help: "The topology file.") var file: String
    @Flag(help: "Also print notes (e.g. repartition topics the engine will use).") var notes = false

    func run() throws {
        let topology = try TopologyLoading.compile(file, quietNotes: !notes)
        Swift.print("\(file): ok — topology '\(topology.metadata.name)' v\(topology.metadata.version), "
            + "\(topology.sources.count) sources, \(topology.operators.count) operators, \(topology.sinks.count) sinks")
    }
}

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "graph", abstract: "Draw a topology's dataflow graph.")

    @Argument(help: "The topology file.") var file: String
    @Option(help: "text, dot or mermaid.") var format: String = "text"

    func run() throws {
        guard let f = GraphRenderer.Format(rawValue: format) else {
            throw ValidationError("--format must be one of text, dot, mermaid (got '\(format)')")
        }
        let topology = try TopologyLoading.compile(file)
        Swift.print(GraphRenderer.render(topology, format: f))
    }
}
