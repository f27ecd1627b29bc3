import SluiceCore

/// What the admin API asks of a running topology. The engine implements it; the server only translates
/// HTTP to these calls, checks roles and writes the audit log.
///
/// Methods are called concurrently from request handlers: implementations hand work to the engine's
/// control plane and must not block. Throw ``EngineControlError`` to choose the HTTP status a caller sees
/// (`notFound` → 404, `invalidArgument` → 400, `conflict` → 409, `unavailable` → 503, anything else → 500).
public protocol EngineControl: Sendable {
    /// Name, version and run state of the topology, with one entry per owned partition.
    func topologyStatus() async -> TopologyStatus

    /// The operator graph rendered as plain text, Graphviz `dot` or Mermaid.
    func graph(format: GraphFormat) async throws -> String

    /// Whether the topology serves traffic: `false` while restoring state, rebalancing or failed.
    /// Drives `/readyz` (503 while not ready).
    func readiness() async -> Readiness

    /// The current state of `key` in the state store of `operator`, or `nil` when the key has no state.
    /// Throws `notFound` when there is no stateful operator of that name.
    func lookupState(operator: String, key: String) async throws -> Value?

    /// Scores `features` with the active version of `model`. When `entityKey` is given, online features
    /// held in state for that entity are joined before scoring. Returns the model's outputs.
    func predict(model: String, features: Fields, entityKey: String?) async throws -> Fields

    /// Every model the topology serves, with its versions.
    func models() async -> [ModelStatus]

    /// Makes `version` the serving version of model `name`.
    func activateModel(_ name: String, version: String) async throws -> ModelStatus

    /// Returns model `name` to the version that served before the last activation.
    /// Throws `conflict` when there is nothing to roll back to.
    func rollbackModel(_ name: String) async throws -> ModelStatus

    /// Starts a checkpoint now and returns when it has completed.
    func triggerCheckpoint() async throws -> CheckpointResult

    /// Stops fetching from the source topics (in-flight batches finish; offsets stay committed).
    func pauseSources() async throws

    /// Resumes fetching after ``pauseSources()``.
    func resumeSources() async throws
}
