import CRdKafka

/// Offsets, positions, seeking and flow control.
extension KafkaConsumer {
    /// Commits the given offsets (the next offsets to read). Synchronous unless `async`.
    public func commit(_ offsets: [TopicPartition], async: Bool = false) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = NativePartitionList.make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_commit(handle, list, async ? 1 : 0), "commit offsets")
        if !async, let (tp, err) = NativePartitionList.firstError(list) {
            throw KafkaError(responseCode: err, context: "commit offset for \(tp)")
        }
    }

    /// Stores offsets for the next commit of all stored offsets (`commitStored`).
    public func storeOffsets(_ offsets: [TopicPartition]) throws(KafkaError) {
        let list = NativePartitionList.make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_offsets_store(handle, list), "store offsets")
    }

    /// Commits every stored offset.
    public func commitStored(async: Bool = false) throws(KafkaError) {
        let err = rd_kafka_commit(handle, nil, async ? 1 : 0)
        if err == RD_KAFKA_RESP_ERR__NO_OFFSET { return }
        try KafkaError.check(err, "commit stored offsets")
    }

    /// The group's committed offsets for `partitions` (offset `invalidOffset` when none). Blocking.
    public func committed(_ partitions: [TopicPartition], timeoutMs: Int32 = 10_000) throws(KafkaError) -> [TopicPartition] {
        let list = NativePartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_committed(handle, list, timeoutMs), "fetch committed offsets")
        return NativePartitionList.read(list)
    }

    /// The next offset this consumer will read for each partition.
    public func position(_ partitions: [TopicPartition]) throws(KafkaError) -> [TopicPartition] {
        let list = NativePartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_position(handle, list), "read positions")
        return NativePartitionList.read(list)
    }

    /// Moves the fetch position of assigned partitions (each element's `offset`). Blocking.
    public func seek(_ partitions: [TopicPartition], timeoutMs: Int32 = 10_000) throws(KafkaError) {
        let list = NativePartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(error: rd_kafka_seek_partitions(handle, list, timeoutMs), "seek \(partitions)")
        if let (tp, err) = NativePartitionList.firstError(list) {
            throw KafkaError(responseCode: err, context: "seek \(tp)")
        }
    }

    /// Stops fetching from these partitions (backpressure); records already prefetched are kept.
    public func pause(_ partitions: [TopicPartition]) throws(KafkaError) {
        let list = NativePartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_pause_partitions(handle, list), "pause \(partitions)")
    }

    public func resume(_ partitions: [TopicPartition]) throws(KafkaError) {
        let list = NativePartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_resume_partitions(handle, list), "resume \(partitions)")
    }

    /// The current assignment.
    public func assignment() throws(KafkaError) -> [TopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        try KafkaError.check(rd_kafka_assignment(handle, &list), "read assignment")
        guard let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return NativePartitionList.read(list)
    }

    /// Low and high watermarks from the consumer's cache (no broker round trip); -1 when unknown.
    public func cachedWatermarks(topic: String, partition: Int32) -> (low: Int64, high: Int64) {
        var low: Int64 = -1
        var high: Int64 = -1
        _ = rd_kafka_get_watermark_offsets(handle, topic, partition, &low, &high)
        return (low, high)
    }

    /// Low and high watermarks from the broker. Blocking.
    public func queryWatermarks(topic: String, partition: Int32, timeoutMs: Int32 = 5_000) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = -1
        var high: Int64 = -1
        try KafkaError.check(
            rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, timeoutMs),
            "query watermarks of \(topic)[\(partition)]")
        return (low, high)
    }
}
