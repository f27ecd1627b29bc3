public import SluiceCore

/// A compiled, validated topology: what the engine runs.
///
/// ```swift
/// let (topology, diagnostics) = TopologyCompiler.compile(file: "topologies/etl.yaml",
///                                                        environment: ProcessInfo.processInfo.environment,
///                                                        hooks: DefaultValidationHooks())
/// ```
public struct Topology: Sendable {
    /// The file as given to the compiler (used in diagnostics).
    public var file: String
    public var apiVersion: String
    public var metadata: Metadata
    public var cluster: ClusterConfig
    public var processing: ProcessingConfig
    /// Sources in file order.
    public var sources: [Source]
    /// Operators in file order (see `graph.topologicalOrder` for execution order).
    public var operators: [Operator]
    public var sinks: [Sink]
    public var graph: TopologyGraph
    /// FNV-1a 64 of the normalised file text (line endings and trailing whitespace ignored).
    public var topologyHash: UInt64

    /// `topologyHash` as 16 lowercase hex digits, the form written to manifests and lineage headers.
    public var topologyHashHex: String {
        let hex = String(topologyHash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public func source(_ id: String) -> Source? { sources.first { $0.id == id } }
    public func `operator`(_ id: String) -> Operator? { operators.first { $0.id == id } }
}

/// `metadata:` — who owns the topology and where its data may go.
public struct Metadata: Sendable, Hashable {
    public var name: String
    /// Free-form version (`3`, `"2024.1"`), carried in lineage headers.
    public var version: String
    public var owner: String?
    /// Regions data may flow to; empty means unrestricted.
    public var residency: [String]
    public var description: String?
}
