import Foundation
import SluiceCore
@testable import SluiceTopology

/// The directory of example topologies shipped with the project.
let topologiesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("topologies").path

/// Lines 1–6 of every inline topology below; test bodies start on line 7.
let header = """
    apiVersion: sluice/v1
    kind: Topology
    metadata: {name: app}
    sources:
      events: {topic: events, format: csv, key: user_id, columns: [user_id, event_id, amount, ts]}
    operators:

    """

/// Compiles inline YAML as if it were `t.yaml` in the topologies directory (so relative paths resolve there).
func compile(_ yaml: String, environment: [String: String] = [:], hooks: any ValidationHooks = DefaultValidationHooks())
    -> (topology: Topology?, diagnostics: [Diagnostic])
{
    TopologyCompiler.compile(yaml: yaml, file: topologiesDirectory + "/t.yaml", environment: environment, hooks: hooks)
}

func errors(_ r: (topology: Topology?, diagnostics: [Diagnostic])) -> [Diagnostic] {
    r.diagnostics.filter { $0.severity == .error }
}

/// A compact, comparable form of a diagnostic: `code@line:column`.
func position(_ d: Diagnostic) -> String { "\(d.code)@\(d.location.line):\(d.location.column)" }
