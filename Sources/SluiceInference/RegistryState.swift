import Foundation

/// The contents of `<registry>/<name>/state.json`: the active version, the rollback history and any
/// candidate rollout. `<registry>/<name>/ACTIVE` mirrors `active` as plain text for people and scripts.
public struct RegistryState: Sendable, Equatable, Codable {
    public var active: String
    /// Earlier active versions, oldest first; `rollback` pops the last.
    public var previous: [String]
    public var candidate: String?
    /// `replace`, `canary` or `shadow`.
    public var strategy: String?
    /// The candidate's share of keys for `canary`.
    public var share: Double?

    /// At most this many versions are kept for rollback.
    public static let historyLimit = 20

    public init(active: String, previous: [String] = [], candidate: String? = nil, strategy: String? = nil,
                share: Double? = nil) {
        self.active = active
        self.previous = previous
        self.candidate = candidate
        self.strategy = strategy
        self.share = share
    }

    /// The rollout strategy this state describes.
    public var rollout: RolloutStrategy {
        guard candidate != nil else { return .replace }
        switch strategy {
        case "canary": return .canary(share: share ?? 0)
        case "shadow": return .shadow
        default: return .replace
        }
    }

    mutating func pushHistory(_ version: String) {
        previous.append(version)
        if previous.count > Self.historyLimit { previous.removeFirst(previous.count - Self.historyLimit) }
    }

    static func read(directory: String, model: String) throws(InferenceError) -> RegistryState? {
        let path = directory + "/state.json"
        if FileManager.default.fileExists(atPath: path) {
            let bytes = try RegisteredModel.readBytes(path)
            do {
                return try JSONDecoder().decode(RegistryState.self, from: Data(bytes))
            } catch {
                throw InferenceError(.io, "state.json is corrupt: \(error)", model: model, path: path)
            }
        }
        // A hand-made registry may only have ACTIVE.
        let activePath = directory + "/ACTIVE"
        guard FileManager.default.fileExists(atPath: activePath) else { return nil }
        let text = String(decoding: try RegisteredModel.readBytes(activePath), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : RegistryState(active: text)
    }

    func write(directory: String, model: String) throws(InferenceError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: directory + "/state.json"), options: .atomic)
            try Data((active + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/ACTIVE"), options: .atomic)
        } catch {
            throw InferenceError(.io, "cannot write registry state: \(error.localizedDescription)", model: model,
                                 path: directory)
        }
    }
}
