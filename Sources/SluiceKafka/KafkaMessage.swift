import CRdKafka
import SluiceCore

/// A consumed record, valid only inside the `consume` callback that received it (zero-copy view of
/// librdkafka's buffers), or until `releaseRetained()` when it came from `consumeRetaining`. Copy what must
/// outlive that. Reading it from another thread is safe while it is valid (nothing in it changes).
public struct KafkaMessage: @unchecked Sendable {
    let message: UnsafeMutablePointer<rd_kafka_message_t>

    init(_ message: UnsafeMutablePointer<rd_kafka_message_t>) { self.message = message }

    public var partition: Int32 { message.pointee.partition }
    public var offset: Int64 { message.pointee.offset }

    public var topic: String { String(cString: rd_kafka_topic_name(message.pointee.rkt)) }

    /// Identifies the message's topic without building its name: equal for messages of the same topic from one
    /// consumer while it lives (for caching per-topic lookups across a batch).
    public var topicIdentity: UnsafeRawPointer? { message.pointee.rkt.map { UnsafeRawPointer($0) } }

    /// The record value, or nil for a null value (tombstone).
    public var value: UnsafeRawBufferPointer? {
        guard let p = message.pointee.payload else { return nil }
        return UnsafeRawBufferPointer(start: p, count: message.pointee.len)
    }

    /// The record key, or nil for a null key.
    public var key: UnsafeRawBufferPointer? {
        guard let p = message.pointee.key else { return nil }
        return UnsafeRawBufferPointer(start: p, count: message.pointee.key_len)
    }

    /// Milliseconds since the epoch (create or log-append time), or nil if unavailable.
    public var timestamp: Int64? {
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(message, &type)
        return type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : ts
    }

    /// The record headers (copied).
    public var headers: [Header] {
        if certainlyHeaderless { return [] }
        var hdrs: OpaquePointer?
        guard rd_kafka_message_headers(message, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs else { return [] }
        var out: [Header] = []
        var idx = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(hdrs, idx, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            out.append(Header(name: String(cString: name!), value: bytes))
            idx += 1
        }
        return out
    }

    /// Whether the record has no headers, told from the byte after its value: in the v2 record format (every
    /// broker since Kafka 0.11) that byte is the headers' count, a varint, 0 for none. librdkafka only answers after
    /// parsing, with a buffer allocated and freed on every call for a record without headers (≈ 4 % of the S2
    /// pipeline's samples). librdkafka keeps a fetched record's value and headers in one contiguous buffer (the
    /// response's, or the decompressed batch's), so that byte is readable. False (ask librdkafka) when it cannot be
    /// read without leaving the value's memory page: older formats have no headers but may end the buffer there.
    /// Any other byte — or garbage after an old-format value — only means asking librdkafka.
    var certainlyHeaderless: Bool {
        guard let payload = message.pointee.payload, message.pointee.len > 0 else { return false }
        let after = UInt(bitPattern: payload) &+ UInt(message.pointee.len)
        guard after & 4095 != 0, let next = UnsafeRawPointer(bitPattern: after) else { return false }
        return next.load(as: UInt8.self) == 0
    }

    /// The value copied into an array (nil for a null value).
    public var valueBytes: [UInt8]? { value.map { Array($0) } }
    public var keyBytes: [UInt8]? { key.map { Array($0) } }
}
