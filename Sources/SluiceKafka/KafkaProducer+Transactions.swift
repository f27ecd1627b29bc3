import CRdKafka

/// Kafka transactions (requires `transactional.id` in the configuration).
///
/// All calls block until the broker answers; run them off the cooperative pool.
/// On an error with `requiresAbort`, call `abortTransaction` and start again; on `isFatal`, recreate the producer.
extension KafkaProducer {
    public func initTransactions(timeoutMs: Int32 = 30_000) throws(KafkaError) {
        try KafkaError.check(error: rd_kafka_init_transactions(handle, timeoutMs), "init transactions")
    }

    public func beginTransaction() throws(KafkaError) {
        try KafkaError.check(error: rd_kafka_begin_transaction(handle), "begin transaction")
    }

    /// Adds consumed offsets (the next offsets to read) to the current transaction, so they are committed
    /// to `consumer`'s group atomically with the transaction's records.
    public func sendOffsetsToTransaction(
        _ offsets: [TopicPartition], consumer: KafkaConsumer, timeoutMs: Int32 = 30_000
    ) throws(KafkaError) {
        guard let metadata = rd_kafka_consumer_group_metadata(consumer.handle) else {
            throw KafkaError(.transaction, "the consumer has no group metadata (is group.id set?)")
        }
        defer { rd_kafka_consumer_group_metadata_destroy(metadata) }
        let list = NativePartitionList.make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(
            error: rd_kafka_send_offsets_to_transaction(handle, list, metadata, timeoutMs),
            "send offsets to transaction")
    }

    public func commitTransaction(timeoutMs: Int32 = 30_000) throws(KafkaError) {
        try KafkaError.check(error: rd_kafka_commit_transaction(handle, timeoutMs), "commit transaction")
    }

    public func abortTransaction(timeoutMs: Int32 = 30_000) throws(KafkaError) {
        try KafkaError.check(error: rd_kafka_abort_transaction(handle, timeoutMs), "abort transaction")
    }
}
