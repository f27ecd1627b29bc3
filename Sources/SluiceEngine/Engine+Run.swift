import Foundation
import Logging
import SluiceCore
import SluiceKafka
import SluiceTopology

extension Engine {
    /// Runs until `requestStop()` (or a stop condition in the options), then drains, checkpoints, commits and
    /// leaves the group cleanly. Throws if processing had to stop on an error (nothing is committed past it).
    public func run() throws {
        try ensureTopics()
        try makeClients()
        status.update {
            $0.topology = topology.metadata.name
            $0.version = topology.metadata.version
            $0.state = "running"
        }
        try consumer.subscribe(plan.consumedTopics)
        if exactlyOnce { try beginTransaction() }
        logger.info("running", metadata: ["topology": "\(topology.metadata.name)", "topics": "\(plan.consumedTopics)",
                                          "bootstrap": "\(kafkaConfig.bootstrapServers)"])

        var progress = ProgressReporter(enabled: options.showProgress)
        let batchMax = max(topology.processing.batch.maxRecords, 1)
        let waitMs = Int32(clamping: max(topology.processing.batch.maxWaitMs, 1))
        var touched: [PartitionTask] = []  // tasks with a gathered batch
        var lastRecordAt = ContinuousClock.now
        var sawRecords = false

        // Wall time consuming and dispatching, and waiting for the previous batch's tasks to finish; how many
        // batches ran at once (not overlapped) for a checkpoint, command or stop.
        var loopStats = (loops: 0, consume: Duration.zero, joinWait: Duration.zero, records: 0, drained: 0)
        var firstRecord: ContinuousClock.Instant?
        var loopEnded = ContinuousClock.now
        let cpuAtStart = ThreadCPU.sample()
        ForkJoinStats.reset()
        var systemAtFirst = ForkJoinStats.enabled ? ThreadCPU.system() : (busy: 0, idle: 0, steal: 0)
        defer {
            if ForkJoinStats.enabled {
                FileHandle.standardError.write(Data("thread CPU during the run: \(ThreadCPU.difference(ThreadCPU.sample(), cpuAtStart))\n".utf8))
                let system = ThreadCPU.system()
                FileHandle.standardError.write(Data("processing threads waiting: \(ForkJoinStats.totals.withLock { $0 })\n".utf8))
                FileHandle.standardError.write(Data("system CPU first record → end: busy \(system.busy - systemAtFirst.busy)s idle \(system.idle - systemAtFirst.idle)s steal \(system.steal - systemAtFirst.steal)s\n".utf8))
                let sinceFirst = firstRecord.map { (loopEnded - $0, ContinuousClock.now - $0) }
                FileHandle.standardError.write(Data(
                    "loop stats: \(loopStats); first record → loop end, → drained: \(sinceFirst.map { "\($0.0), \($0.1)" } ?? "-")\n".utf8))
            }
        }
        defer { awaitRunningBatch() }  // also when a step below throws
        while !stopRequested, fatalError == nil {
            let now = Self.nowMillis()
            let t0 = ContinuousClock.now
            // The previous batch runs on the processing threads meanwhile: consuming and dispatching this one
            // overlaps with it instead of leaving the cores idle.
            var route: DispatchRoute?
            let count = consumer.consumeRetaining(maxMessages: batchMax, timeoutMs: waitMs) { message in
                self.dispatch(message, now: now, route: &route, touched: &touched)
            }
            route?.finish()
            let t1 = ContinuousClock.now
            awaitRunningBatch()
            loopStats.loops += 1
            loopStats.records += count
            loopStats.consume += t1 - t0
            loopStats.joinWait += ContinuousClock.now - t1
            if count > 0 {
                lastRecordAt = .now
                if !sawRecords {
                    status.update { $0.firstRecordMillis = Self.nowMillis() }
                    firstRecord = t0
                    if ForkJoinStats.enabled { systemAtFirst = ThreadCPU.system() }
                }
                sawRecords = true
            }
            touched.removeAll { task in
                guard tasks[task.key] === task, !task.pending.isEmpty else {
                    _ = task.takePending()
                    return true
                }
                return false
            }

            // Between batches: the tasks are idle (this batch waits in their pending batches).
            for task in tasks.values where !task.hasPending && task.advanceIdleWatermark(now: now) {
                var idle = PendingBatch()
                runBatch(task, &idle, now: now)
            }
            let pendingRecords = touched.reduce(0) { $0 + $1.pending.messageCount + $1.pending.forwardedCount }
            var stopping = stopRequested || fatalError != nil
            if let limit = options.stopAfterRecords, totalRecordsIn + pendingRecords >= limit { stopping = true }
            if let idle = options.stopWhenIdleMs, sawRecords, ContinuousClock.now - lastRecordAt > .milliseconds(idle) { stopping = true }
            // Checkpoints, admin commands and stopping see every consumed record processed.
            let checkpointDue = self.checkpointDue
            let queued = commands.drain()
            if stopping || checkpointDue || !queued.isEmpty {
                loopStats.drained += 1
                runNow(&touched, now: now)
            }
            for command in queued { command(self) }
            try applyBackpressure()
            try periodicCommitOrCheckpoint(checkpointDue: checkpointDue)
            progress.report(self)
            if ContinuousClock.now - lastStatusRefresh > .seconds(1) {
                lastStatusRefresh = .now
                refreshStatus()
                let observed = recentBatchSeconds
                recentBatchSeconds.removeAll(keepingCapacity: true)
                status.update { $0.recentBatchSeconds = observed }
            }
            // The next batch starts first; the previous one's messages (decoded) are then freed and delivery reports
            // served while it runs. Done before the start, that work (≈ 0.4 ms a loop in S2) left both processing
            // threads idle: SLUICE_LOOP_STATS' gap fell from ≈ 0.2 s to ≈ 0.03 s per 300 k-record S2 or S3 run.
            if !stopping { start(&touched, now: now) }
            consumer.releaseRetained(first: releasableMessages)
            releasableMessages = 0
            producer.poll(timeoutMs: 0)
            if stopping { break }
            loopEnded = .now
        }
        awaitRunningBatch()
        runNow(&touched, now: Self.nowMillis())
        loopEnded = .now
        progress.finish(self)
        try shutdown()
        if let fatalError { throw fatalError }
    }

    /// Hands each touched task its gathered batch: the tasks' jobs for the processing threads.
    private func takeBatches(_ touched: inout [PartitionTask], now: Int64) -> [BatchJob] {
        defer { touched.removeAll(keepingCapacity: true) }
        return touched.map { BatchJob(task: $0, batch: $0.takePending(), now: now) }
    }

    /// Runs the touched tasks' batches and waits for them; frees every consumed message.
    func runNow(_ touched: inout [PartitionTask], now: Int64) {
        let jobs = takeBatches(&touched, now: now)
        workers.run(jobs, weight: \.weight) { $0.run(on: self) }
        finished(jobs)
        consumer.releaseRetained()
        releasableMessages = 0
    }

    /// Starts the touched tasks' batches on the processing threads and returns; `awaitRunningBatch` joins them.
    private func start(_ touched: inout [PartitionTask], now: Int64) {
        let jobs = takeBatches(&touched, now: now)
        guard !jobs.isEmpty else { return }
        running = RunningBatch(started: workers.start(jobs, weight: \.weight) { $0.run(on: self) }, jobs: jobs,
                               messages: consumer.retainedCount - releasableMessages)
    }

    /// Joins the batch started on the processing threads, if any; its consumed messages (the oldest retained)
    /// may be freed from then on. Called before anything else touches the tasks — also from the rebalance callback.
    func awaitRunningBatch() {
        guard let batch = running else { return }
        running = nil
        batch.started.wait()
        finished(batch.jobs)
        releasableMessages += batch.messages
    }

    /// After tasks ran: their emptied message lists become the spares the next dispatch fills.
    private func finished(_ jobs: [BatchJob]) {
        for job in jobs {
            recentBatchSeconds.append(job.task.lastBatchSeconds)
            job.task.recycleMessageList()
        }
    }

    /// A stateful (or exactly-once) checkpoint is due: it must see every consumed record processed.
    var checkpointDue: Bool {
        (plan.isStateful || exactlyOnce)
            && ContinuousClock.now - lastCheckpointAt >= .milliseconds(topology.processing.checkpoint.intervalMs)
    }

    static func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    var totalRecordsIn: Int { tasks.values.reduce(retired.recordsIn) { $0 + $1.counters.recordsIn } }

    /// Consumed messages are decoded and run through the task's operators this many at a time: a chunk's
    /// records stay in the core's cache from decoding to the sink, and the allocator recycles what one chunk
    /// frees for the next. (A whole consume batch, thousands of records, would pass through memory once per
    /// operator.) Offsets and acknowledgements still count per consume batch.
    static let chunkRecords = 256

    /// Runs one task's share of a consume batch (or, empty, advances its operators' timers); safe on any processing
    /// thread (touches only the task, the producer and the task's locked tracker).
    func runBatch(_ task: PartitionTask, _ batch: inout PendingBatch, now: Int64) {
        task.counters.recordsIn += batch.forwardedCount
        for (sink, n) in batch.sunk { task.counters.sunk[sink, default: 0] += n }
        let seq: UInt64
        if let begun = batch.seq {
            seq = begun
            task.tracker.withLock { $0.setEndOffsets(seq, batch.endOffsets) }
        } else {
            seq = task.tracker.withLock { $0.begin(endOffsets: batch.endOffsets) }
        }
        let outputs = KafkaTaskOutputs(producer: producer, slot: task.slot, seq: seq) { [unowned self] in fatalError = $0 }
        var messages: [Int: [KafkaMessage]] = [:]
        swap(&messages, &batch.messages)
        if messages.isEmpty || !batch.inputs.isEmpty || !batch.rejected.isEmpty {
            process(&batch, task, now: now, outputs: outputs)
        }
        while let (node, list) = messages.popFirst() {
            var start = list.startIndex
            while start < list.endIndex {
                let end = min(start + Self.chunkRecords, list.endIndex)
                decode(list[start..<end], node: node, into: &batch, for: task, now: now)
                process(&batch, task, now: now, outputs: outputs)
                start = end
            }
            var spare = consume list
            spare.removeAll(keepingCapacity: true)
            if spare.capacity > task.returnedMessages.capacity { task.returnedMessages = spare }
        }
        task.tracker.withLock { $0.seal(seq, adding: outputs.sent) }
    }

    /// Dead-letters the batch's rejected records and runs its decoded ones.
    private func process(_ batch: inout PendingBatch, _ task: PartitionTask, now: Int64, outputs: KafkaTaskOutputs) {
        task.counters.recordsIn += batch.rejected.count
        for (record, error, source) in batch.rejected {
            task.deadLetter(record, error, operatorID: source, outputs: outputs)
        }
        batch.rejected.removeAll(keepingCapacity: true)
        task.process(taking: &batch.inputs, now: now, outputs: outputs)
    }

    /// Pauses a task's partitions while too many of its batches await acknowledgement; resumes when drained.
    func applyBackpressure() throws {
        let limit = max(topology.processing.maxInFlight, 1)
        guard !sourcesPaused else { return }
        for task in tasks.values {
            let tps = task.topicPartitions.map { TopicPartition(topic: $0.topic, partition: $0.partition) }
            // The batch consumed and about to start counts too: pausing now cannot take it back.
            let inFlight = task.tracker.withLock { $0.inFlight } + (task.hasPending ? 1 : 0)
            if inFlight > maxInFlightSeen {
                maxInFlightSeen = inFlight
                status.update { $0.maxInFlightBatches = inFlight }
            }
            if !task.isPaused && inFlight > limit {
                try consumer.pause(tps)
                task.isPaused = true
                status.update { $0.backpressurePauses += 1 }
            } else if task.isPaused && task.tracker.withLock({ $0.inFlight }) <= limit / 2 {
                try consumer.resume(tps)
                task.isPaused = false
            }
        }
    }

    /// Stateless topologies commit acknowledged offsets every second; stateful ones checkpoint on the interval
    /// (`checkpointDue`, decided before the pending batch was run).
    func periodicCommitOrCheckpoint(checkpointDue: Bool) throws {
        if plan.isStateful || exactlyOnce {
            if checkpointDue { try checkpoint(tasks: Array(tasks.keys), reason: "interval") }
        } else if ContinuousClock.now - lastCommitAt >= .seconds(1) {
            try commitCompleted(tasks: Array(tasks.keys), async: true)
            lastCommitAt = .now
        }
    }

    /// Commits each task's fully acknowledged offsets.
    func commitCompleted(tasks keys: [TaskKey], async: Bool) throws {
        var offsets: [TopicPartition] = []
        for key in keys {
            guard let task = tasks[key] else { continue }
            for (topic, offset) in task.tracker.withLock({ $0.completedOffsets }) {
                offsets.append(TopicPartition(topic: topic, partition: task.partition, offset: offset))
            }
        }
        guard !offsets.isEmpty else { return }
        do {
            try consumer.commit(offsets, async: async)
        } catch {
            // Kafka's "not now" during a rebalance (retriable, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID): the revoke
            // callback commits (or the next owner restores from the checkpoint).
            guard error.isRetriable || error.rdCode == 22 || error.rdCode == 25 else { throw error }
            logger.info("commit deferred by a rebalance", metadata: ["error": "\(error)"])
        }
    }

    /// Drain, final checkpoint/commit, clean group leave.
    func shutdown() throws {
        status.update { $0.state = "stopping" }
        if fatalError == nil {
            try checkpoint(tasks: Array(tasks.keys), reason: "shutdown")
        }
        // Drained and committed: what the benchmarks time (leaving the group comes after).
        status.update { $0.finishedMillis = Self.nowMillis() }
        refreshStatus()
        // Everything is checkpointed: the revocation that closing triggers has nothing left to save.
        shuttingDown = true
        consumer.close()
        try? producer.flush(timeoutMs: 30_000)
        status.update { $0.state = "stopped" }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// One task's share of a consume batch, for a processing thread. A class: the thread takes the batch out, so
/// its lists are uniquely referenced and are emptied and reused in place rather than copied.
final class BatchJob {
    let task: PartitionTask
    private var batch: PendingBatch
    let now: Int64
    let weight: Int

    init(task: PartitionTask, batch: PendingBatch, now: Int64) {
        self.task = task
        self.batch = batch
        self.now = now
        weight = batch.messageCount + batch.forwardedCount
    }

    func run(on engine: Engine) {
        let started = ContinuousClock.now
        var batch = PendingBatch()
        swap(&batch, &self.batch)
        engine.runBatch(task, &batch, now: now)
        task.lastBatchSeconds = (ContinuousClock.now - started).seconds
    }
}

/// A consume batch running on the processing threads while the engine consumes the next.
struct RunningBatch {
    let started: ProcessingThreads.Started
    let jobs: [BatchJob]
    /// How many of the consumer's retained messages (the oldest) are this batch's.
    let messages: Int
}
