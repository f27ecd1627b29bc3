import Foundation

extension ModelRegistry {
    /// Makes `version` the active version of `name` (ending any canary / shadow rollout).
    /// The previous active version is pushed onto the rollback history.
    @discardableResult
    public func activate(_ name: String, version: String, by principal: String,
                         reason: String? = nil) throws(InferenceError) -> ModelDeployment {
        try perform(name, action: "activate", by: principal, reason: reason) { (state) throws(InferenceError) in
            guard var state else { return (RegistryState(active: version), nil, version) }
            let from = state.active
            if state.active != version { state.pushHistory(state.active) }
            state.active = version
            state.candidate = nil
            state.strategy = nil
            state.share = nil
            return (state, from, version)
        }
    }

    /// Rolls back: while a canary or shadow candidate is deployed, removes it (the active version keeps
    /// serving); otherwise makes the last version of the history active again.
    ///
    /// - Throws: `nothingToRollBack` when there is no candidate and no earlier version.
    @discardableResult
    public func rollback(_ name: String, by principal: String, reason: String? = nil) throws(InferenceError) -> ModelDeployment {
        try perform(name, action: "rollback", by: principal, reason: reason) { (state) throws(InferenceError) in
            guard var state else { throw Self.noActive(name) }
            if let candidate = state.candidate {
                state.candidate = nil
                state.strategy = nil
                state.share = nil
                return (state, candidate, state.active)
            }
            guard let target = state.previous.popLast() else {
                throw InferenceError(.nothingToRollBack,
                                     "model '\(name)' has no earlier version to roll back to (active: \(state.active))",
                                     model: name)
            }
            let from = state.active
            state.active = target
            return (state, from, target)
        }
    }

    /// The hook for the drift operator (`on_drift: {rollback: <infer id>}`): `rollback` by principal `drift`.
    @discardableResult
    public func rollback(model name: String, reason: String) throws(InferenceError) -> ModelDeployment {
        try rollback(name, by: "drift", reason: reason)
    }

    /// Starts a canary: a stable `share` of keys (0 < share ≤ 1) is scored by `version`.
    @discardableResult
    public func startCanary(_ name: String, version: String, share: Double, by principal: String,
                            reason: String? = nil) throws(InferenceError) -> ModelDeployment {
        guard share > 0, share <= 1 else {
            throw InferenceError(.invalidControlMessage, "canary share must be in (0, 1], got \(share)", model: name)
        }
        return try startCandidate(name, version: version, strategy: "canary", share: share, by: principal, reason: reason)
    }

    /// Starts a shadow rollout: `version` scores every record next to the active version.
    @discardableResult
    public func startShadow(_ name: String, version: String, by principal: String,
                            reason: String? = nil) throws(InferenceError) -> ModelDeployment {
        try startCandidate(name, version: version, strategy: "shadow", share: nil, by: principal, reason: reason)
    }

    /// Makes the canary / shadow candidate the active version.
    @discardableResult
    public func promote(_ name: String, by principal: String, reason: String? = nil) throws(InferenceError) -> ModelDeployment {
        try perform(name, action: "promote", by: principal, reason: reason) { (state) throws(InferenceError) in
            guard var state else { throw Self.noActive(name) }
            guard let candidate = state.candidate else {
                throw InferenceError(.noCandidate, "model '\(name)' has no canary or shadow candidate to promote",
                                     model: name)
            }
            let from = state.active
            state.pushHistory(state.active)
            state.active = candidate
            state.candidate = nil
            state.strategy = nil
            state.share = nil
            return (state, from, candidate)
        }
    }

    private func startCandidate(_ name: String, version: String, strategy: String, share: Double?,
                                by principal: String, reason: String?) throws(InferenceError) -> ModelDeployment {
        try perform(name, action: strategy, by: principal, reason: reason) { (state) throws(InferenceError) in
            guard var state else { throw Self.noActive(name) }
            guard version != state.active else {
                throw InferenceError(.invalidControlMessage,
                                     "'\(version)' is already the active version of '\(name)'; a \(strategy) needs another version",
                                     model: name, version: version)
            }
            state.candidate = version
            state.strategy = strategy
            state.share = share
            return (state, state.active, version)
        }
    }

    static func noActive(_ name: String) -> InferenceError {
        InferenceError(.noActiveVersion, "model '\(name)' has no active version: activate one first", model: name)
    }

    /// Runs one action: computes the new state, loads and checks the models it needs, persists the state,
    /// publishes the new snapshot and appends the audit entry (also for failures).
    func perform(_ name: String, action: String, by principal: String, reason: String?,
                 _ change: (RegistryState?) throws(InferenceError) -> (RegistryState, String?, String?))
        throws(InferenceError) -> ModelDeployment
    {
        try Self.checkComponent(name, what: "model name")
        return try operations.withLock { (generation: inout UInt64) throws(InferenceError) -> ModelDeployment in
            var from: String?
            var to: String?
            do throws(InferenceError) {
                let old = try state(of: name)
                let (new, f, t) = try change(old)
                from = f
                to = t
                let cell = cells.withLock { $0[name] }
                let deployment = try makeDeployment(name: name, state: new, reuse: cell?.current,
                                                    generation: generation &+ 1)
                if let cell { try checkRequirements(cell.requirements, deployment) }
                try new.write(directory: root + "/" + name, model: name)
                generation &+= 1
                cell?.replace(with: deployment)
                try record(AuditEntry(time: now(), who: principal, action: action, model: name, from: from, to: to,
                                      result: "ok", reason: reason, strategy: deployment.strategy.description))
                return deployment
            } catch {
                try? record(AuditEntry(time: now(), who: principal, action: action, model: name, from: from, to: to,
                                       result: "error", error: error.description, reason: reason))
                throw error
            }
        }
    }

    /// Builds a snapshot for `state`, reusing already loaded versions of the current snapshot.
    func makeDeployment(name: String, state: RegistryState, reuse: ModelDeployment?,
                        generation: UInt64) throws(InferenceError) -> ModelDeployment {
        func model(_ version: String) throws(InferenceError) -> RegisteredModel {
            if let reuse {
                if reuse.active.version == version { return reuse.active }
                if let c = reuse.candidate, c.version == version { return c }
            }
            return try load(name, version: version)
        }
        let active = try model(state.active)
        let candidate: RegisteredModel?
        if let c = state.candidate { candidate = try model(c) } else { candidate = nil }
        return ModelDeployment(name: name, active: active, candidate: candidate, strategy: state.rollout,
                               generation: generation)
    }

    /// Refuses a deployment whose feature set differs from what a running operator supplies.
    private func checkRequirements(_ requirements: [String: [String]], _ deployment: ModelDeployment) throws(InferenceError) {
        for model in [deployment.active] + (deployment.candidate.map { [$0] } ?? []) {
            for (id, features) in requirements.sorted(by: { $0.key < $1.key }) {
                if let message = FeatureCheck.mismatch(expected: features, actual: model.model.featureNames,
                                                       expectedLabel: "infer operator '\(id)'",
                                                       actualLabel: "\(model.name) \(model.version)",
                                                       orderMatters: false) {
                    throw InferenceError(.featureMismatch, message, model: model.name, version: model.version)
                }
            }
        }
    }
}
