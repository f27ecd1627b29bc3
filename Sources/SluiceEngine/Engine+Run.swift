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
        var touched: [PartitionTask] = []
        var lastRecordAt = ContinuousClock.now
        var sawRecords = false

        var loopStats = (loops: 0, consume: Duration.zero, process: Duration.zero, other: Duration.zero, records: 0)
        var firstRecord: ContinuousClock.Instant?
        var loopEnded = ContinuousClock.now
        let cpuAtStart = ThreadCPU.sample()
        defer {
            if ProcessInfo.processInfo.environment["SLUICE_LOOP_STATS"] != nil {
                FileHandle.standardError.write(Data("thread CPU during the run: \(ThreadCPU.difference(ThreadCPU.sample(), cpuAtStart))\n".utf8))
                let sinceFirst = firstRecord.map { (loopEnded - $0, ContinuousClock.now - $0) }
                FileHandle.standardError.write(Data(
                    "loop stats: \(loopStats); first record → loop end, → drained: \(sinceFirst.map { "\($0.0), \($0.1)" } ?? "-")\n".utf8))
            }
        }
        while !stopRequested, fatalError == nil {
            let now = Self.nowMillis()
            let t0 = ContinuousClock.now
            var route: DispatchRoute?
            let count = consumer.consumeRetaining(maxMessages: batchMax, timeoutMs: waitMs) { message in
                self.dispatch(message, now: now, route: &route, touched: &touched)
            }
            route?.finish()
            defer { consumer.releaseRetained() }  // after the tasks have decoded them
            let t1 = ContinuousClock.now
            loopStats.loops += 1
            loopStats.records += count
            loopStats.consume += t1 - t0
            defer { loopStats.other += ContinuousClock.now - t1 }
            if count > 0 {
                lastRecordAt = .now
                if !sawRecords {
                    status.update { $0.firstRecordMillis = Self.nowMillis() }
                    firstRecord = t0
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
            // Each task decodes and runs its batch on one of the processing threads.
            workers.run(touched, weight: { $0.pending.messageCount + $0.pending.forwardedCount }) { task in
                let started = ContinuousClock.now
                var batch = task.takePending()
                runBatch(task, &batch, now: now)
                task.lastBatchSeconds = (ContinuousClock.now - started).seconds
            }
            for task in touched { recentBatchSeconds.append(task.lastBatchSeconds) }
            touched.removeAll(keepingCapacity: true)
            loopStats.process += ContinuousClock.now - t1
            for task in tasks.values where task.advanceIdleWatermark(now: now) {
                var idle = PendingBatch()
                runBatch(task, &idle, now: now)
            }
            producer.poll(timeoutMs: 0)
            runCommands()
            try applyBackpressure()
            try periodicCommitOrCheckpoint()
            progress.report(self)
            if ContinuousClock.now - lastStatusRefresh > .seconds(1) {
                lastStatusRefresh = .now
                refreshStatus()
                let observed = recentBatchSeconds
                recentBatchSeconds.removeAll(keepingCapacity: true)
                status.update { $0.recentBatchSeconds = observed }
            }
            if let limit = options.stopAfterRecords, totalRecordsIn >= limit { break }
            if let idle = options.stopWhenIdleMs, sawRecords, ContinuousClock.now - lastRecordAt > .milliseconds(idle) { break }
        }
        loopEnded = .now
        progress.finish(self)
        try shutdown()
        if let fatalError { throw fatalError }
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
            if spare.capacity > task.spareMessages.capacity { task.spareMessages = spare }
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
            let inFlight = task.tracker.withLock { $0.inFlight }
            if inFlight > maxInFlightSeen {
                maxInFlightSeen = inFlight
                status.update { $0.maxInFlightBatches = inFlight }
            }
            if !task.isPaused && inFlight > limit {
                try consumer.pause(tps)
                task.isPaused = true
                status.update { $0.backpressurePauses += 1 }
            } else if task.isPaused && task.tracker.withLock { $0.inFlight } <= limit / 2 {
                try consumer.resume(tps)
                task.isPaused = false
            }
        }
    }

    /// Stateless topologies commit acknowledged offsets every second; stateful ones checkpoint on the interval.
    func periodicCommitOrCheckpoint() throws {
        let interval = Duration.milliseconds(topology.processing.checkpoint.intervalMs)
        if plan.isStateful || exactlyOnce {
            if ContinuousClock.now - lastCheckpointAt >= interval { try checkpoint(tasks: Array(tasks.keys), reason: "interval") }
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
