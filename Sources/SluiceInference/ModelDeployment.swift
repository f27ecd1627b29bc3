/// How a candidate version is tried next to the active one.
public enum RolloutStrategy: Sendable, Equatable, CustomStringConvertible {
    /// Only the active version scores.
    case replace
    /// A stable `share` (0 < share ≤ 1) of keys is scored by the candidate, the rest by the active version.
    case canary(share: Double)
    /// Both score every record; outputs carry the active score, comparisons go to the `shadow` output.
    case shadow

    public var description: String {
        switch self {
        case .replace: "replace"
        case .canary(let share): "canary(\(share))"
        case .shadow: "shadow"
        }
    }
}

/// What scores a model's records right now: an immutable snapshot.
///
/// An `infer` operator reads one snapshot per batch, so a switch takes effect between batches.
public struct ModelDeployment: Sendable {
    public let name: String
    public let active: RegisteredModel
    /// The version tried by a canary or shadow rollout.
    public let candidate: RegisteredModel?
    public let strategy: RolloutStrategy
    /// Increases with every switch (for metrics and tests).
    public let generation: UInt64

    public init(name: String, active: RegisteredModel, candidate: RegisteredModel? = nil,
                strategy: RolloutStrategy = .replace, generation: UInt64 = 0) {
        self.name = name
        self.active = active
        self.candidate = candidate
        self.strategy = candidate == nil ? .replace : strategy
        self.generation = generation
    }
}

/// Holds the current `ModelDeployment` of one model; written by the registry, read by operators once per batch.
///
/// The lock guards only a struct copy (a few reference-count increments), never I/O or scoring.
public final class DeploymentCell: Sendable {
    private let state: Locked<(deployment: ModelDeployment, requirements: [String: [String]])>

    public init(_ deployment: ModelDeployment) {
        state = Locked((deployment, [:]))
    }

    /// The current snapshot.
    public var current: ModelDeployment { state.withLock { $0.deployment } }

    /// Records that operator `id` feeds exactly `features` (in any order); the registry refuses to deploy a
    /// version whose feature set differs.
    public func require(features: [String], by id: String) {
        state.withLock { $0.requirements[id] = features }
    }

    /// Every operator's registered feature list.
    public var requirements: [String: [String]] { state.withLock { $0.requirements } }

    func replace(with deployment: ModelDeployment) {
        state.withLock { $0.deployment = deployment }
    }
}
