/// Names of the headers Sluice writes, in one place.
public enum HeaderNames {
    /// Lineage on every sink output, one header: `<metadata.name>@<metadata.version>#<topology hash>` (the hash
    /// part only when known). One header rather than three: each header costs librdkafka allocations and
    /// wire bytes on every output record.
    public static let lineage = "sluice-lineage"
    /// Lineage: the topology's `metadata.name`.
    public static let topology = "sluice-topology"
    /// Lineage: the topology's `metadata.version`.
    public static let topologyVersion = "sluice-topology-version"
    /// Lineage: FNV-1a 64 of the topology file, 16 hex digits.
    public static let topologyHash = "sluice-topology-hash"
    /// Headers starting with this (e.g. `sluice-model-version`, set by `infer`) are passed through to sinks.
    public static let modelPrefix = "sluice-model-"

    /// The `sluice-lineage` value: `<name>@<version>#<hash>`, or `<name>@<version>` without a hash.
    /// Readers split at the last `@` and the last `#` (names and versions may contain neither safely).
    public static func lineageValue(name: String, version: String, hash: String?) -> String {
        hash.map { "\(name)@\(version)#\($0)" } ?? "\(name)@\(version)"
    }

    public static let errorCode = "sluice-error-code"
    public static let errorField = "sluice-error-field"
    public static let errorMessage = "sluice-error-message"
    public static let sourceTopic = "sluice-source-topic"
    public static let sourcePartition = "sluice-source-partition"
    public static let sourceOffset = "sluice-source-offset"
    public static let `operator` = "sluice-operator"

    /// Every header a dead letter sets (replacing copies already on the record, e.g. when a
    /// dead-letter topic is replayed).
    public static let deadLetter: Set<String> = [
        errorCode, errorField, errorMessage, sourceTopic, sourcePartition, sourceOffset, `operator`, topology, topologyVersion,
    ]
}
