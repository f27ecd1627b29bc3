import Foundation

/// A registry action sent on a control topic as JSON:
///
/// ```json
/// {"action": "activate" | "rollback" | "canary" | "shadow" | "promote",
///  "model": "fraud", "version": "v8", "share": 0.1, "by": "alice", "reason": "..."}
/// ```
/// `version` is required for `activate`, `canary` and `shadow`; `share` (0 < share ≤ 1) for `canary`.
/// `by` and `reason` are optional and go to the audit log.
public struct ControlMessage: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        case activate, rollback, canary, shadow, promote
    }

    public var action: Action
    public var model: String
    public var version: String?
    public var share: Double?
    public var by: String?
    public var reason: String?

    /// The wire shape; every field optional so that validation can name what is missing.
    private struct Wire: Decodable {
        var action: String?
        var model: String?
        var version: String?
        var share: Double?
        var by: String?
        var reason: String?
    }

    /// Parses and validates a control message.
    public init(json bytes: [UInt8]) throws(InferenceError) {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch let DecodingError.typeMismatch(type, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw InferenceError(.invalidControlMessage, "control message field '\(field)' must be a \(type == Double.self ? "number" : "string")")
        } catch {
            throw InferenceError(.invalidControlMessage, "control message is not a JSON object: \(error)")
        }
        func nonEmpty(_ value: String?, _ key: String) throws(InferenceError) -> String? {
            guard let value else { return nil }
            guard !value.isEmpty else {
                throw InferenceError(.invalidControlMessage, "control message field '\(key)' must not be empty")
            }
            return value
        }
        guard let actionText = try nonEmpty(wire.action, "action") else {
            throw InferenceError(.invalidControlMessage, "control message needs 'action' (one of "
                                     + "\(Action.allCases.map(\.rawValue)))")
        }
        guard let action = Action(rawValue: actionText) else {
            throw InferenceError(.invalidControlMessage, "unknown action '\(actionText)'; use one of "
                                     + "\(Action.allCases.map(\.rawValue))")
        }
        guard let model = try nonEmpty(wire.model, "model") else {
            throw InferenceError(.invalidControlMessage, "control message needs 'model'")
        }
        self.action = action
        self.model = model
        self.version = try nonEmpty(wire.version, "version")
        self.by = try nonEmpty(wire.by, "by")
        self.reason = wire.reason
        self.share = wire.share
        switch action {
        case .activate, .canary, .shadow:
            guard version != nil else {
                throw InferenceError(.invalidControlMessage, "'\(action.rawValue)' needs 'version'", model: model)
            }
        case .rollback, .promote: break
        }
        if action == .canary {
            guard let share, share > 0, share <= 1 else {
                throw InferenceError(.invalidControlMessage, "'canary' needs 'share' in (0, 1]", model: model)
            }
        }
    }
}

extension ModelRegistry {
    /// Applies a control-topic message. The audit principal is the message's `by`, else `principal`.
    ///
    /// - Throws: `invalidControlMessage` for malformed messages, or the action's own error.
    @discardableResult
    public func apply(controlMessage bytes: [UInt8], by principal: String = "control-topic") throws(InferenceError)
        -> ModelDeployment
    {
        let message = try ControlMessage(json: bytes)
        let who = message.by ?? principal
        let version = message.version ?? ""
        switch message.action {
        case .activate: return try activate(message.model, version: version, by: who, reason: message.reason)
        case .rollback: return try rollback(message.model, by: who, reason: message.reason)
        case .canary:
            return try startCanary(message.model, version: version, share: message.share ?? 0, by: who,
                                   reason: message.reason)
        case .shadow: return try startShadow(message.model, version: version, by: who, reason: message.reason)
        case .promote: return try promote(message.model, by: who, reason: message.reason)
        }
    }
}
