import Foundation
import SluiceCore

/// Compiles a topology file into a validated `Topology`, collecting every problem it finds.
///
/// ```swift
/// let (topology, diagnostics) = TopologyCompiler.compile(
///     file: "topologies/fraud-detection.yaml", environment: ProcessInfo.processInfo.environment,
///     hooks: DefaultValidationHooks())
/// for d in diagnostics { print(d) }   // topologies/fraud-detection.yaml:12:7: error: …
/// ```
/// `topology` is `nil` exactly when some diagnostic is an error; warnings and notes still allow it.
public enum TopologyCompiler {
    static let topLevelKeys = ["apiVersion", "kind", "metadata", "cluster", "processing", "sources", "operators", "sinks"]
    public static let apiVersion = "sluice/v1"

    /// Reads and compiles the topology at `file` (relative paths inside it resolve against its directory).
    public static func compile(file: String, environment: [String: String], hooks: any ValidationHooks)
        -> (topology: Topology?, diagnostics: [Diagnostic])
    {
        guard let data = FileManager.default.contents(atPath: file) else {
            return (nil, [Diagnostic(.error, DiagnosticCode.file, at: SourceLocation(file: file, line: 1, column: 1), "cannot read topology file '\(file)'")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return (nil, [Diagnostic(.error, DiagnosticCode.file, at: SourceLocation(file: file, line: 1, column: 1), "topology file '\(file)' is not UTF-8")])
        }
        return compile(yaml: text, file: file, environment: environment, hooks: hooks)
    }

    /// Compiles topology text; `file` names it in diagnostics and anchors relative paths.
    public static func compile(yaml text: String, file: String, environment: [String: String], hooks: any ValidationHooks)
        -> (topology: Topology?, diagnostics: [Diagnostic])
    {
        let reporter = Reporter()
        let absolute = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        let baseDirectory = ((absolute as NSString).standardizingPath as NSString).deletingLastPathComponent
        let loader = YAMLLoader(file: file, interpolator: Interpolator(environment: environment), reporter: reporter)
        guard let root = loader.load(text) else { return (nil, reporter.sorted()) }
        let parser = TopologyParser(reporter: reporter, hooks: hooks, baseDirectory: baseDirectory)
        guard let top = parser.open(root, "the topology", topLevelKeys) else { return (nil, reporter.sorted()) }

        if let v = top.string("apiVersion", required: true), v.value != apiVersion {
            reporter.error(DiagnosticCode.invalidValue, at: v.location, "unsupported apiVersion '\(v.value)'", hint: "this version of sluice reads apiVersion: \(apiVersion)")
        }
        if let k = top.string("kind", required: true), k.value != "Topology" {
            reporter.error(DiagnosticCode.invalidValue, at: k.location, "unsupported kind '\(k.value)'", hint: "write kind: Topology")
        }
        let metadata = top.node("metadata").flatMap(parser.metadata)
        if !top.has("metadata") { top.missing("metadata") }
        let clusterReader = top.mapping("cluster", context: "cluster", allowed: TopologyParser.clusterKeys)
        let cluster = clusterReader.map(parser.cluster)
            ?? (top.has("cluster") ? nil : ClusterConfig(bootstrap: .embedded, region: nil, regionLocation: nil, location: top.location,
                                                        properties: [:], security: nil))
        let processing = parser.processing(top.node("processing"), defaultApplicationID: metadata?.name ?? "sluice")
        let eventTimeField = eventTimeLocation(top, processing)

        var sources: [Source] = [], sourceIDs: [Located<String>] = []
        if let node = top.node("sources") { (sources, sourceIDs) = parser.sources(node) } else { top.missing("sources") }
        let (operators, declared) = top.node("operators").map(parser.operators) ?? ([], [])
        let sinks = top.node("sinks").map(parser.sinks) ?? []

        let analyzer = Analyzer(reporter: reporter, hooks: hooks, applicationID: processing.applicationID, metadata: metadata, cluster: cluster,
                                clusterLocation: clusterReader?.location ?? top.location, clusterRegionLocation: cluster?.regionLocation,
                                sources: sources, operators: operators, sinks: sinks, eventTimeField: eventTimeField)
        let graph = analyzer.run(sourceIDs: sourceIDs, declared: declared)

        let diagnostics = reporter.sorted()
        guard !reporter.hasErrors, let metadata, let cluster else { return (nil, diagnostics) }
        let topology = Topology(
            file: file, apiVersion: apiVersion, metadata: metadata, cluster: cluster, processing: processing,
            sources: analyzer.sources, operators: analyzer.operators, sinks: analyzer.sinks, graph: graph,
            topologyHash: FNV1a.hash64(FNV1a.normalized(text).utf8))
        return (topology, diagnostics)
    }

    /// The located `processing.event_time.field`, for checking it against source schemas.
    private static func eventTimeLocation(_ top: MapReader, _ processing: ProcessingConfig) -> Located<String>? {
        guard processing.eventTime.field != nil, case .mapping(let p)? = top.node("processing"),
              case .mapping(let e)? = p.entries.first(where: { $0.key.text == "event_time" })?.value,
              case .scalar(let s)? = e.entries.first(where: { $0.key.text == "field" })?.value else { return nil }
        return Located(s.text, at: s.location)
    }
}
