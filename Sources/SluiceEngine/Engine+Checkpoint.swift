import Foundation
import Synchronization
import Logging
import SluiceCore
import SluiceKafka
import SluiceState
import SluiceTopology

/// The checkpoint protocol (DESIGN.md §2): drain; write each stateful operator's changes to its store (and
/// changelog); write the manifest atomically; then commit the offsets it reflects.
extension Engine {
    func checkpoint(tasks keys: [TaskKey], reason: String) throws {
        let start = ContinuousClock.now
        let stateful = keys.filter { tasks[$0].map { !$0.statefulOperators.isEmpty } ?? false && stores[$0] != nil }
        let withState = keys.filter { partitionStates[$0] != nil }
        let segments: SegmentWriting
        if exactlyOnce {
            // 1. Every output of every processed batch is part of the transaction; 2. state and markers join it.
            try drainProducer()
            try saveStates(of: stateful, withMarkers: true)
            segments = startWritingSegments(of: withState)
            do { try commitTransaction(tasks: keys) } catch { segments.discard(); throw error }
        } else {
            var phases = ContinuousClock.now
            func phase(_ name: String) {  // SLUICE_LOOP_STATS only: where a checkpoint's time goes
                guard ForkJoinStats.enabled else { return }
                FileHandle.standardError.write(Data("checkpoint \(reason): \(name) \(ContinuousClock.now - phases)\n".utf8))
                phases = .now
            }
            // 2 before 1: the states are encoded while the outputs drain (both wait on nothing but the CPU and the
            // broker). Changelog state records sent before a failed drain have no marker after them, and restore
            // drops such records; the markers go out only once every output is acknowledged, so the offsets they
            // name are all the records the states reflect.
            try saveStates(of: stateful, withMarkers: false)
            phase("states saved")
            segments = startWritingSegments(of: withState)
            do {
                try drainProducer()
                phase("outputs and changelog drained")
                try sendMarkers(of: stateful)
                try drainProducer()
                phase("markers drained")
            } catch {
                segments.discard()
                throw error
            }
        }

        // 3. Manifests naming the segments (atomic, each task's in its own directory), then 4. offsets.
        let pending = try segments.finish()
        if ForkJoinStats.enabled {
            FileHandle.standardError.write(Data("checkpoint \(reason): segments written \(ContinuousClock.now - start) from the start\n".utf8))
        }
        let bytes = try forEachTaskInParallel(Array(pending.keys)) { key in
            guard let task = tasks[key], let state = partitionStates[key], let segments = pending[key] else { return 0 }
            var offsets: SourceOffsets = [:]
            for (topic, offset) in task.tracker.withLock({ $0.completedOffsets }) { offsets[topic] = [task.partition: offset] }
            let result = try state.commit(segments, offsets: offsets)
            for job in state.compactionJobs() {
                // Compaction merges immutable files; running it here keeps restore cost bounded.
                _ = try state.applyCompaction(job.run())
            }
            return result.bytesWritten
        }
        if !exactlyOnce { try commitCompleted(tasks: keys, async: false) }
        lastCheckpointAt = .now
        lastCommitAt = .now
        let elapsed = ContinuousClock.now - start
        status.update {
            $0.checkpoints += 1
            $0.lastCheckpointMillis = Self.nowMillis()
            $0.lastCheckpointDurationMs = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
            $0.lastCheckpointBytes = bytes
        }
        logger.debug("checkpoint", metadata: ["reason": "\(reason)", "tasks": "\(keys.count)", "bytes": "\(bytes)"])
    }

    /// Waits until every record sent so far is acknowledged; throws if one failed.
    private func drainProducer() throws {
        try producer.flush(timeoutMs: 60_000)
        producer.poll()
        if let fatalError { throw fatalError }
    }

    /// Writes each stateful operator's changes to its store (and so its changelog), tasks side by side: they
    /// share nothing here but the thread-safe producer. With `withMarkers`, each operator's changelog then gets
    /// the marker naming the offsets its state reflects (every output of those offsets must be acknowledged).
    private func saveStates(of keys: [TaskKey], withMarkers: Bool) throws {
        _ = try forEachTaskInParallel(keys) { key in
            guard let task = tasks[key], let taskStores = stores[key] else { return 0 }
            for (id, op) in task.statefulOperators {
                guard let adapter = taskStores[id] else { continue }
                try op.saveState(into: adapter)
            }
            if withMarkers { try sendMarkers(of: task) }
            return 0
        }
    }

    private func sendMarkers(of keys: [TaskKey]) throws {
        for key in keys {
            if let task = tasks[key] { try sendMarkers(of: task) }
        }
    }

    /// The changelog record closing a checkpoint of each of the task's stateful operators.
    private func sendMarkers(of task: PartitionTask) throws {
        let offsets = task.tracker.withLock { $0.completedOffsets }
        for (id, _) in task.statefulOperators where stores[task.key]?[id] != nil {
            let marker = ChangelogMarker(offsets: offsets, millis: Self.nowMillis())
            try producer.sendWaiting(
                topic: changelogTopic(id), partition: task.partition, key: ChangelogMarker.key, value: marker.encoded())
        }
    }

    /// Starts writing each task's new state segments on the processing threads and returns at once: the files
    /// are written while the engine waits for the broker, and become part of the state only when `checkpoint`
    /// writes the manifests naming them.
    private func startWritingSegments(of keys: [TaskKey]) -> SegmentWriting {
        let writing = SegmentWriting(states: keys.compactMap { key in partitionStates[key].map { (key, $0) } })
        writing.start(on: workers)
        return writing
    }

    /// Runs `body` for every task on the processing threads (it must touch only that task's state, its
    /// stores and the producer); returns the sum of its results, or throws the first error once all ran.
    private func forEachTaskInParallel(_ keys: [TaskKey], _ body: (TaskKey) throws -> Int) throws -> Int {
        let results = Mutex<(sum: Int, error: (any Error)?)>((0, nil))
        workers.run(keys, weight: { _ in 1 }) { key in
            do {
                let n = try body(key)
                results.withLock { $0.sum += n }
            } catch {
                results.withLock { if $0.error == nil { $0.error = error } }
            }
        }
        let (sum, error) = results.withLock { ($0.sum, $0.error) }
        if let error { throw error }
        return sum
    }

    func beginTransaction() throws {
        try producer.beginTransaction()
        transactionOpen = true
    }

    /// Exactly-once: the batch outputs, changelog records and consumed offsets commit atomically.
    func commitTransaction(tasks keys: [TaskKey]) throws {
        var offsets: [TopicPartition] = []
        for task in tasks.values {
            for (topic, offset) in task.tracker.withLock({ $0.completedOffsets }) {
                offsets.append(TopicPartition(topic: topic, partition: task.partition, offset: offset))
            }
        }
        do {
            if !offsets.isEmpty { try producer.sendOffsetsToTransaction(offsets, consumer: consumer) }
            try producer.commitTransaction()
        } catch {
            guard error.requiresAbort else { throw error }
            try producer.abortTransaction()
            throw EngineError("transaction aborted (\(error)); restarting from the last checkpoint reprocesses its records")
        }
        transactionOpen = false
        if !stopRequested { try beginTransaction() }
    }

    // MARK: Rebalance

    /// Called inside librdkafka's rebalance callback, on the processing thread.
    func rebalanced(_ event: RebalanceEvent) -> [TopicPartition] {
        // The batch running on the processing threads finishes first: revoked tasks are checkpointed with it.
        awaitRunningBatch()
        do {
            switch event {
            case .assigned(let tps): return try assign(tps)
            case .revoked(let tps):
                let keys = taskKeys(for: tps)
                if !shuttingDown { try checkpoint(tasks: keys, reason: "revoked") }
                removeTasks(keys)
            case .lost(let tps):
                // Someone else may own these already: drop without committing anything.
                removeTasks(taskKeys(for: tps))
            }
        } catch {
            fatalError = (error as? EngineError) ?? EngineError("rebalance failed: \(error)")
        }
        return []
    }

    func taskKeys(for tps: [TopicPartition]) -> [TaskKey] {
        Array(Set(tps.compactMap { tp in plan.topicOwner[tp.topic].map { TaskKey(subtopology: $0, partition: tp.partition) } }))
    }

    func removeTasks(_ keys: [TaskKey]) {
        for key in keys {
            guard let task = tasks.removeValue(forKey: key) else { continue }
            task.isRemoved = true
            retired.recordsIn += task.counters.recordsIn
            if taskSlots.indices.contains(task.slot) { taskSlots[task.slot] = nil }
            partitionStates[key] = nil
            stores[key] = nil
        }
        status.update { $0.partitions.removeAll { s in keys.contains { $0.description == s.task } } }
    }

    /// Creates tasks for new partitions and restores their state; returns start offsets that win over the
    /// group's committed offsets (from the restored checkpoint).
    func assign(_ tps: [TopicPartition]) throws -> [TopicPartition] {
        var starts: [TopicPartition] = []
        status.update { $0.restoring = true }
        defer { status.update { $0.restoring = false } }
        // With no task before, all state is as restored (or empty) once this returns: the checkpoint interval
        // counts from then, not from start-up (joining the group and restoring can take seconds).
        let firstTasks = tasks.isEmpty
        defer { if firstTasks { lastCheckpointAt = .now } }
        for key in taskKeys(for: tps) where tasks[key] == nil {
            let sub = plan.subtopologies[key.subtopology]
            let task = try PartitionTask(
                subtopology: sub, partition: key.partition, plan: plan, factory: factory,
                maxOutOfOrderMs: topology.processing.eventTime.maxOutOfOrderMs,
                idleTimeoutMs: topology.processing.eventTime.idleTimeoutMs)
            let slot = taskSlots.count
            tasks[key] = task
            taskSlots.append(task)
            task.slot = slot
            if sub.isStateful, !task.statefulOperators.isEmpty {
                options.willRestoreTask?(key.partition)
                if let offsets = try restore(task, key: key) {
                    for (topic, offset) in offsets where sub.topics[topic] != nil {
                        starts.append(TopicPartition(topic: topic, partition: key.partition, offset: offset))
                    }
                }
            }
        }
        return starts
    }
}

/// The changelog record that closes a checkpoint: the source offsets the preceding state records reflect.
struct ChangelogMarker: Codable {
    static let key: [UInt8] = Array("\u{0}sluice-checkpoint".utf8)
    var offsets: [String: Int64]
    var millis: Int64

    func encoded() -> [UInt8] { (try? Array(JSONEncoder().encode(self))) ?? [] }
    static func decode(_ bytes: [UInt8]) -> ChangelogMarker? { try? JSONDecoder().decode(ChangelogMarker.self, from: Data(bytes)) }
}

/// Segment files being written for a checkpoint, one job per task on the processing threads
/// (`Engine.startWritingSegments`).
final class SegmentWriting: @unchecked Sendable {
    private let states: [(TaskKey, PartitionState)]
    private let results = Mutex<[TaskKey: Result<PartitionState.PendingSegments, any Error>]>([:])
    private var started: ProcessingThreads.Started?

    init(states: [(TaskKey, PartitionState)]) { self.states = states }

    func start(on workers: ProcessingThreads) {
        started = workers.start(states, weight: { _ in 1 }) { [self] (key, state) in
            let result = Result { try state.writeSegments() }
            results.withLock { $0[key] = result }
        }
    }

    /// Waits for the files; every task's pending segments, or the first error (having deleted all of them).
    func finish() throws -> [TaskKey: PartitionState.PendingSegments] {
        let (pending, firstError) = collect()
        if let firstError {
            delete(pending)
            throw firstError
        }
        return pending
    }

    /// Waits for the files and deletes them: the checkpoint failed before its manifests.
    func discard() { delete(collect().pending) }

    private func collect() -> (pending: [TaskKey: PartitionState.PendingSegments], firstError: (any Error)?) {
        started?.wait()
        var pending: [TaskKey: PartitionState.PendingSegments] = [:]
        var firstError: (any Error)?
        for (key, result) in results.withLock({ $0 }) {
            switch result {
            case .success(let segments): pending[key] = segments
            case .failure(let error): if firstError == nil { firstError = error }
            }
        }
        return (pending, firstError)
    }

    private func delete(_ pending: [TaskKey: PartitionState.PendingSegments]) {
        for (key, state) in states { if let segments = pending[key] { state.discard(segments) } }
    }
}
