import Foundation
import Logging
import SluiceCore
import SluiceKafka
import SluiceState
import SluiceTopology

extension Engine {
    /// Restores a stateful task: the newest valid local manifest if it is at least as new as the group's
    /// committed offsets, otherwise the changelog (the partition moved here from another instance).
    /// Returns the offsets to resume from, or nil to use the group's committed offsets.
    func restore(_ task: PartitionTask, key: TaskKey) throws -> [String: Int64]? {
        let config = PartitionStateConfig(
            rootDirectory: FileIO_join(stateRoot, applicationID), operatorName: "task-\(key.subtopology)",
            partition: key.partition, topologyHash: topology.topologyHashHex, keys: try encryptionKeys())
        let state = try PartitionState(config: config)
        var adapters: [String: StoreAdapter] = [:]
        for (id, _) in task.statefulOperators {
            let store = try KeyValueStore(name: id, options: storeOptions())
            try state.register(store)
            let changelog = changelogTopic(id)
            // Resolved once: a checkpoint sends one record per changed key, from both processing threads, and a
            // topic named per record is looked up under the producer's lock.
            let changelogHandle = producer.topic(changelog)
            let partition = task.partition
            store.onChange = { [unowned self] key, value in
                do {
                    try self.producer.sendWaiting(topic: changelogHandle, partition: partition, key: key, value: value)
                } catch {
                    self.fatalError = EngineError("could not write the changelog \(changelog): \(error)")
                }
            }
            adapters[id] = StoreAdapter(store)
        }
        partitionStates[key] = state
        stores[key] = adapters

        let local = try state.restore()
        let committed = try consumer.committed(task.topicPartitions.map { TopicPartition(topic: $0.topic, partition: $0.partition) })
        let localIsCurrent: Bool = {
            guard let local else { return false }
            return committed.allSatisfy { c in
                c.offset < 0 || (local.sourceOffsets[c.topic]?[c.partition] ?? -1) >= c.offset
            }
        }()
        var offsets: [String: Int64]? = nil
        if localIsCurrent, let local {
            offsets = local.sourceOffsets.compactMapValues { $0[task.partition] }
            logger.info("restored from local checkpoint", metadata: [
                "task": "\(key)", "manifest": "\(local.manifestSeq)", "keys": "\(local.keysPerStore)"])
        } else {
            for adapter in adapters.values { adapter.store.removeAll() }
            offsets = try restoreFromChangelog(task, adapters: adapters)
            if offsets != nil { logger.info("restored from changelog", metadata: ["task": "\(key)"]) }
        }
        for (id, op) in task.statefulOperators {
            if let adapter = adapters[id] { try op.loadState(from: adapter) }
        }
        return offsets
    }

    /// Replays each store's changelog partition up to its last checkpoint marker (records after it belong to
    /// a checkpoint that never completed and are dropped). Returns the marker's offsets.
    func restoreFromChangelog(_ task: PartitionTask, adapters: [String: StoreAdapter]) throws -> [String: Int64]? {
        var result: [String: Int64]? = nil
        for (id, adapter) in adapters {
            let topic = changelogTopic(id)
            var config = kafkaConfig
            if exactlyOnce { config["isolation.level"] = "read_committed" }
            let reader = try KafkaConsumer(configuration: config, groupID: "\(applicationID)-restore", logger: logger)
            defer { reader.close() }
            let (low, high) = try reader.queryWatermarks(topic: topic, partition: task.partition)
            guard high > low else { continue }
            try reader.assign([TopicPartition(topic: topic, partition: task.partition, offset: TopicPartition.beginning)])
            var pending: [([UInt8], [UInt8]?)] = []
            var marker: ChangelogMarker?
            var position = low
            let deadline = ContinuousClock.now + .seconds(120)
            while position < high && ContinuousClock.now < deadline {
                reader.consume(maxMessages: 10_000, timeoutMs: 200) { m in
                    position = m.offset + 1
                    let key = m.keyBytes ?? []
                    if key == ChangelogMarker.key {
                        if let mk = m.valueBytes.flatMap(ChangelogMarker.decode) {
                            for (k, v) in pending { adapter.store.applyChangelogRecord(key: k, value: v) }
                            pending.removeAll()
                            marker = mk
                        }
                    } else {
                        pending.append((key, m.valueBytes))
                    }
                }
            }
            guard position >= high else { throw EngineError("restoring \(topic)[\(task.partition)] timed out at offset \(position) of \(high)") }
            if let marker { result = marker.offsets }
        }
        return result
    }

    func storeOptions() throws -> StoreOptions {
        let codec = CompressionCodec(name: topology.processing.checkpoint.codec.rawValue) ?? .zstd
        return StoreOptions(codec: codec, encryptionKeyID: topology.processing.checkpoint.encryptionKey == nil ? nil : "topology")
    }

    func encryptionKeys() throws -> EncryptionKeyRing {
        guard let ref = topology.processing.checkpoint.encryptionKey else { return EncryptionKeyRing() }
        switch ref {
        case .environment(let name): return EncryptionKeyRing([try EncryptionKey.fromEnvironment(name, id: "topology")])
        case .file(let path): return EncryptionKeyRing([try EncryptionKey.fromFile(path, id: "topology")])
        }
    }
}

func FileIO_join(_ a: String, _ b: String) -> String { a.hasSuffix("/") ? a + b : a + "/" + b }
