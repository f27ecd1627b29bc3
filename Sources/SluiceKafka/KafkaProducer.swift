import CRdKafka
import Logging
import SluiceCore
import Synchronization

/// A Kafka producer. `send` never suspends and never allocates per record (the record's bytes are copied by
/// librdkafka); each record's outcome arrives as a `DeliveryReport` on the handler given at creation, from
/// whichever thread calls `poll` (or from the background poller started with `startPolling`).
///
/// Idempotence is on by default (no duplicates or reordering on retries).
///
/// ```swift
/// let producer = try KafkaProducer(configuration: config) { report in ... }
/// try producer.send(topic: "events", key: key, value: bytes, token: slot)
/// try producer.flush(timeoutMs: 10_000)
/// ```
public final class KafkaProducer: @unchecked Sendable {
    let handle: OpaquePointer
    let callbacks: ClientCallbacks
    public let configuration: KafkaConfiguration
    private var poller: PollThread?
    /// Topic handles by name: producing through a handle skips librdkafka's per-record lookup by name.
    private let topicHandles = Mutex<TopicHandles>(TopicHandles())

    /// Settings applied unless the caller set them.
    public static let defaults: [String: String] = [
        "enable.idempotence": "true",
        "linger.ms": "5",
        "compression.type": "lz4",
        "queue.buffering.max.messages": "500000",
        "queue.buffering.max.kbytes": "262144",
        "batch.num.messages": "10000",
    ]

    public init(
        configuration: KafkaConfiguration, logger: Logger = Logger(label: "sluice.kafka.producer"),
        onDelivery: (@Sendable (DeliveryReport) -> Void)? = nil
    ) throws(KafkaError) {
        self.configuration = configuration.withDefaults(Self.defaults)
        callbacks = ClientCallbacks(logger: logger, configuration: self.configuration, onDelivery: onDelivery)
        let conf = try self.configuration.makeNativeConfiguration()
        callbacks.install(on: conf)
        rd_kafka_conf_set_dr_msg_cb(conf) { rk, message, opaque in
            guard let message, let opaque else { return }
            // Borrowed, not retained: this runs once per delivered record and the client owns its callbacks.
            Unmanaged<ClientCallbacks>.fromOpaque(opaque)._withUnsafeGuaranteedRef { callbacks in
                // Called directly: handing the closure on to a helper allocated a reabstraction context per record.
                callbacks.onDelivery?(deliveryReport(message))
            }
        }
        handle = try makeClient(type: RD_KAFKA_PRODUCER, conf: conf)
    }

    deinit {
        poller?.stop()
        for t in topicHandles.withLock({ $0.byName.values }) { rd_kafka_topic_destroy(t.pointer) }
        rd_kafka_destroy(handle)
    }

    private func topicHandle(_ name: String) -> OpaquePointer {
        topicHandles.withLock { handles in
            // Outputs come in runs to one topic: comparing with the last name (usually the same string storage)
            // is cheaper than hashing it.
            if let last = handles.last, last.name == name { return last.handle.pointer }
            let h = handles.byName[name] ?? {
                let h = UncheckedHandle(pointer: rd_kafka_topic_new(handle, name, nil)!)
                handles.byName[name] = h
                return h
            }()
            handles.last = (name, h)
            return h.pointer
        }
    }

    /// Enqueues one record. Throws `.queueFull` when librdkafka's bounded queue is full: the caller should
    /// `poll` (serve delivery reports) and retry — that is backpressure, not a failure.
    ///
    /// - Parameters:
    ///   - partition: a partition, or nil to let the partitioner choose by key (murmur2 like the Java client).
    ///   - timestamp: milliseconds since the epoch, or nil for "now".
    ///   - token: returned in this record's delivery report.
    public func send(
        topic: String, partition: Int32? = nil, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?,
        headers: [Header] = [], timestamp: Int64? = nil, token: UInt = 0
    ) throws(KafkaError) {
        try send(topic: Topic(handle: topicHandle(topic), name: topic), partition: partition, key: key, value: value,
                 headers: headers, timestamp: timestamp, token: token)
    }

    /// An output topic resolved once: sending through it skips the per-record name lookup (and its lock, which
    /// processing threads sending side by side would contend on).
    public struct Topic: @unchecked Sendable {
        let handle: OpaquePointer
        public let name: String
    }

    /// Resolves `name` for `send(topic: Topic, ...)`; valid while the producer lives.
    public func topic(_ name: String) -> Topic { Topic(handle: topicHandle(name), name: name) }

    /// Headers built once in librdkafka's form, for records that all carry the same ones (lineage on copied
    /// records): each send copies the list natively instead of converting every header again.
    public final class PrebuiltHeaders: @unchecked Sendable {
        let list: OpaquePointer
        /// The headers it was built from.
        public let headers: [Header]
        public init(_ headers: [Header]) {
            list = makeNativeHeaders(headers)
            self.headers = headers
        }
        deinit { rd_kafka_headers_destroy(list) }
    }

    /// As `send(topic: String, ...)` through a resolved topic; `prebuilt` replaces `headers` when given.
    public func send(
        topic: Topic, partition: Int32? = nil, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?,
        headers: [Header] = [], prebuilt: PrebuiltHeaders? = nil, timestamp: Int64? = nil, token: UInt = 0
    ) throws(KafkaError) {
        let err: rd_kafka_resp_err_t = withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 8) { vus in
            var n = 0
            func add(_ vu: rd_kafka_vu_t) {
                vus[n] = vu
                n += 1
            }
            let rkt = topic.handle
            do {
                var vu = rd_kafka_vu_t()
                vu.vtype = RD_KAFKA_VTYPE_RKT
                vu.u.rkt = rkt
                add(vu)
                vu.vtype = RD_KAFKA_VTYPE_PARTITION
                vu.u.i32 = partition ?? RD_KAFKA_PARTITION_UA
                add(vu)
                vu.vtype = RD_KAFKA_VTYPE_MSGFLAGS
                vu.u.i = RD_KAFKA_MSG_F_COPY
                add(vu)
                vu.vtype = RD_KAFKA_VTYPE_VALUE
                vu.u.mem.ptr = UnsafeMutableRawPointer(mutating: value?.baseAddress)
                vu.u.mem.size = value?.count ?? 0
                add(vu)
                if let key {
                    vu.vtype = RD_KAFKA_VTYPE_KEY
                    vu.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
                    vu.u.mem.size = key.count
                    add(vu)
                }
                vu.vtype = RD_KAFKA_VTYPE_OPAQUE
                vu.u.ptr = UnsafeMutableRawPointer(bitPattern: token)
                add(vu)
                if let timestamp {
                    vu.vtype = RD_KAFKA_VTYPE_TIMESTAMP
                    vu.u.i64 = timestamp
                    add(vu)
                }
                var nativeHeaders: OpaquePointer?
                if let prebuilt {
                    nativeHeaders = rd_kafka_headers_copy(prebuilt.list)
                    vu.vtype = RD_KAFKA_VTYPE_HEADERS
                    vu.u.headers = nativeHeaders
                    add(vu)
                } else if !headers.isEmpty {
                    nativeHeaders = makeNativeHeaders(headers)
                    vu.vtype = RD_KAFKA_VTYPE_HEADERS
                    vu.u.headers = nativeHeaders
                    add(vu)
                }
                guard let error = rd_kafka_produceva(handle, vus.baseAddress, n) else {
                    return RD_KAFKA_RESP_ERR_NO_ERROR
                }
                // On failure the headers were not taken over by librdkafka.
                if let nativeHeaders { rd_kafka_headers_destroy(nativeHeaders) }
                let code = rd_kafka_error_code(error)
                rd_kafka_error_destroy(error)
                return code
            }
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(responseCode: err, context: "could not enqueue a record for '\(topic.name)'")
        }
    }

    /// Convenience for byte arrays.
    public func send(
        topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [Header] = [],
        timestamp: Int64? = nil, token: UInt = 0
    ) throws(KafkaError) {
        try withOptionalBuffer(key) { (k) throws(KafkaError) in
            try withOptionalBuffer(value) { (v) throws(KafkaError) in
                try send(topic: topic, partition: partition, key: k, value: v, headers: headers, timestamp: timestamp, token: token)
            }
        }
    }

    /// Sends, serving delivery reports and retrying while the local queue is full (bounded wait).
    public func sendWaiting(
        topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [Header] = [],
        timestamp: Int64? = nil, token: UInt = 0, maxWaitMs: Int = 60_000
    ) throws(KafkaError) {
        try sendWaiting(topic: self.topic(topic), partition: partition, key: key, value: value, headers: headers,
                        timestamp: timestamp, token: token, maxWaitMs: maxWaitMs)
    }

    /// As above for bytes borrowed from elsewhere (e.g. a consumed message): no intermediate copy.
    public func sendWaiting(
        topic: String, partition: Int32? = nil, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?,
        headers: [Header] = [], timestamp: Int64? = nil, token: UInt = 0, maxWaitMs: Int = 60_000
    ) throws(KafkaError) {
        try sendWaiting(topic: self.topic(topic), partition: partition, key: key, value: value, headers: headers,
                        timestamp: timestamp, token: token, maxWaitMs: maxWaitMs)
    }

    /// As `sendWaiting` through a resolved topic.
    public func sendWaiting(
        topic: Topic, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [Header] = [],
        prebuilt: PrebuiltHeaders? = nil, timestamp: Int64? = nil, token: UInt = 0, maxWaitMs: Int = 60_000
    ) throws(KafkaError) {
        try withOptionalBuffer(key) { (k) throws(KafkaError) in
            try withOptionalBuffer(value) { (v) throws(KafkaError) in
                try sendWaiting(topic: topic, partition: partition, key: k, value: v, headers: headers, prebuilt: prebuilt,
                                timestamp: timestamp, token: token, maxWaitMs: maxWaitMs)
            }
        }
    }

    /// As `sendWaiting` through a resolved topic, for borrowed bytes; `prebuilt` replaces `headers` when given.
    public func sendWaiting(
        topic: Topic, partition: Int32? = nil, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?,
        headers: [Header] = [], prebuilt: PrebuiltHeaders? = nil, timestamp: Int64? = nil, token: UInt = 0,
        maxWaitMs: Int = 60_000
    ) throws(KafkaError) {
        var waited = 0
        while true {
            do throws(KafkaError) {
                try send(topic: topic, partition: partition, key: key, value: value, headers: headers, prebuilt: prebuilt,
                         timestamp: timestamp, token: token)
                return
            } catch where error.code == .queueFull && waited < maxWaitMs {
                poll(timeoutMs: 10)
                waited += 10
            }
        }
    }

    /// Serves delivery reports (and log/error callbacks); returns how many events were served.
    @discardableResult
    public func poll(timeoutMs: Int32 = 0) -> Int {
        Int(rd_kafka_poll(handle, timeoutMs))
    }

    /// Starts a background thread that serves delivery reports continuously (for callers with no loop of their own).
    public func startPolling() {
        guard poller == nil else { return }
        let handle = UncheckedHandle(pointer: handle)
        poller = PollThread(name: "sluice-producer-poll") { rd_kafka_poll(handle.pointer, 50) }
    }

    /// Waits until every queued record is delivered or failed. Blocking: call off the cooperative pool.
    public func flush(timeoutMs: Int32 = 30_000) throws(KafkaError) {
        try KafkaError.check(rd_kafka_flush(handle, timeoutMs), "flush did not complete within \(timeoutMs) ms")
    }

    /// Records waiting in librdkafka's queues (not yet delivered).
    public var outstanding: Int { Int(rd_kafka_outq_len(handle)) }

    /// The client's fatal error, if it has raised one (e.g. idempotent producer fenced).
    public func fatalError() -> KafkaError? {
        var buf = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(handle, &buf, buf.count)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(.fatal, String(nulTerminated: buf), rdCode: err.rawValue, isFatal: true)
    }
}

/// Builds a librdkafka header list; ownership passes to librdkafka on a successful produce. Names are passed
/// with their length from the string's own UTF-8 storage: no C-string copy per header.
func makeNativeHeaders(_ headers: [Header]) -> OpaquePointer {
    let list = rd_kafka_headers_new(headers.count)!
    for h in headers {
        var name = h.name
        name.withUTF8 { n in
            n.withMemoryRebound(to: CChar.self) { n in
                if let value = h.value {
                    value.withUnsafeBytes { v in _ = rd_kafka_header_add(list, n.baseAddress, n.count, v.baseAddress, v.count) }
                } else {
                    _ = rd_kafka_header_add(list, n.baseAddress, n.count, nil, 0)
                }
            }
        }
    }
    return list
}

func withOptionalBuffer<R>(
    _ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) throws(KafkaError) -> R
) throws(KafkaError) -> R {
    guard let bytes else { return try body(nil) }
    // Array.withUnsafeBytes is `rethrows` (untyped): carry the typed error out through a Result.
    let result: Result<R, KafkaError> = bytes.withUnsafeBytes { b in Result { () throws(KafkaError) in try body(b) } }
    return try result.get()
}

/// Creates an `rd_kafka_t`, taking ownership of `conf` (librdkafka frees it on success; we free it on failure).
func makeClient(type: rd_kafka_type_t, conf: OpaquePointer) throws(KafkaError) -> OpaquePointer {
    var errstr = [CChar](repeating: 0, count: 512)
    guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
        rd_kafka_conf_destroy(conf)
        throw KafkaError(.clientCreation, String(nulTerminated: errstr))
    }
    return rk
}

/// Topic handles by name, and the last one used.
struct TopicHandles {
    var byName: [String: UncheckedHandle] = [:]
    var last: (name: String, handle: UncheckedHandle)?
}

/// An `rd_kafka_t` pointer handed to another thread; librdkafka handles are thread-safe.
struct UncheckedHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

extension String {
    /// Decodes a NUL-terminated C character buffer filled by librdkafka.
    init(nulTerminated buffer: [CChar]) {
        self = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// librdkafka's delivery report for one message as a `DeliveryReport`.
private func deliveryReport(_ message: UnsafePointer<rd_kafka_message_t>) -> DeliveryReport {
    let m = message.pointee
    let error: KafkaError? =
        m.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(responseCode: m.err, context: "delivery failed")
    // The topic's name only for failures: building it per success would cost every delivered record.
    let topic = error == nil ? nil : m.rkt.map { String(cString: rd_kafka_topic_name($0)) }
    return DeliveryReport(
        token: UInt(bitPattern: m._private), topic: topic, partition: m.partition,
        offset: error == nil ? m.offset : -1, error: error)
}
