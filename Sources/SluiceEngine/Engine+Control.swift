import Foundation
import SluiceCore
import SluiceInference
import SluiceKafka
import SluiceTopology

/// Work handed to the processing thread from other threads (the admin API): operators and clients are only
/// touched on that thread, so requests wait their turn between batches.
final class EngineCommandQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [(Engine) -> Void] = []

    func enqueue(_ command: @escaping (Engine) -> Void) { lock.withLock { pending.append(command) } }

    func drain() -> [(Engine) -> Void] {
        lock.withLock {
            defer { pending.removeAll() }
            return pending
        }
    }
}

/// A request's result carried back across threads.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

extension Engine {
    /// Runs `body` on the processing thread between batches and returns its result.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (Engine) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            commands.enqueue { engine in
                continuation.resume(with: Result { try body(engine) })
            }
        }
    }

    /// The current state of `key` in a stateful operator (online feature lookup), from whichever local task
    /// holds it.
    public func lookup(operatorID: String, key: String) throws -> Fields? {
        let bytes = Array(key.utf8)
        for task in tasks.values {
            for (id, op) in task.statefulOperators where id == operatorID {
                if let fields = op.lookup(key: bytes) { return fields }
            }
        }
        guard topology.operator(operatorID) != nil else { throw EngineError("no operator named '\(operatorID)'") }
        return nil
    }

    /// A checkpoint now (admin API); returns bytes written and tasks covered.
    public func checkpointNow() throws -> (bytes: Int, tasks: Int) {
        try checkpoint(tasks: Array(tasks.keys), reason: "admin")
        return (status.snapshot.lastCheckpointBytes ?? 0, tasks.count)
    }

    /// Stops or restarts fetching from every assigned partition.
    public func setSourcesPaused(_ paused: Bool) throws {
        let all = try consumer.assignment()
        if paused { try consumer.pause(all) } else { try consumer.resume(all) }
        sourcesPaused = paused
        status.update { $0.state = paused ? "paused" : "running" }
    }

    /// Model registries behind the topology's infer operators: (operator id, registry, model name).
    public var modelTargets: [(operatorID: String, registry: ModelRegistry, model: String)] {
        (resources?.inferTargets ?? [:]).map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.operatorID < $1.operatorID }
    }

    public func graph(format: GraphRenderer.Format) -> String { GraphRenderer.render(topology, format: format) }
}
