/// Per-stage counts since the stage was created, read by the engine for metrics.
/// Every record that enters is accounted for: emitted, dead-lettered or filtered out.
public struct StageCounters: Sendable, Hashable {
    /// Records that entered the stage.
    public var records: Int = 0
    /// Records passed on (main output or a route branch).
    public var emitted: Int = 0
    /// Records sent to the dead-letter output.
    public var deadLettered: Int = 0
    /// Records a filter's condition rejected (never an error).
    public var filteredOut: Int = 0

    public init() {}
}
