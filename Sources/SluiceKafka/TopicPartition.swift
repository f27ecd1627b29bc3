import CRdKafka

/// A topic partition, optionally with an offset (the next offset to read, as Kafka commits it).
public struct TopicPartition: Sendable, Hashable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    /// librdkafka's "no offset given" marker.
    public static let invalidOffset: Int64 = Int64(RD_KAFKA_OFFSET_INVALID)
    public static let beginning: Int64 = Int64(RD_KAFKA_OFFSET_BEGINNING)
    public static let end: Int64 = Int64(RD_KAFKA_OFFSET_END)

    public init(topic: String, partition: Int32, offset: Int64 = TopicPartition.invalidOffset) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    public var description: String { "\(topic)[\(partition)]@\(offset)" }
}

/// Conversions to and from `rd_kafka_topic_partition_list_t`. The caller of `makeNativeList` owns the list.
enum NativePartitionList {
    static func make(_ partitions: [TopicPartition]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(max(partitions.count, 1)))!
        for p in partitions {
            let elem = rd_kafka_topic_partition_list_add(list, p.topic, p.partition)!
            elem.pointee.offset = p.offset
        }
        return list
    }

    static func read(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [TopicPartition] {
        let count = Int(list.pointee.cnt)
        var out: [TopicPartition] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let e = list.pointee.elems[i]
            out.append(TopicPartition(topic: String(cString: e.topic), partition: e.partition, offset: e.offset))
        }
        return out
    }

    /// The first per-partition error in a list, if any (commit and offset queries report errors per partition).
    static func firstError(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> (TopicPartition, rd_kafka_resp_err_t)? {
        for i in 0..<Int(list.pointee.cnt) {
            let e = list.pointee.elems[i]
            if e.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                return (TopicPartition(topic: String(cString: e.topic), partition: e.partition, offset: e.offset), e.err)
            }
        }
        return nil
    }
}
