/// Where a record came from: the coordinates a dead letter or a lineage header reports.
public struct RecordOrigin: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    @inlinable public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}

/// A Kafka record header: a name and raw bytes (`nil` for a header with a null value).
public struct Header: Sendable, Hashable {
    public var name: String
    public var value: [UInt8]?
    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }
    public init(_ name: String, _ text: String) {
        self.name = name
        self.value = Array(text.utf8)
    }
}

/// A decoded event flowing through a topology.
///
/// `fields` is what operators read and write; `key`, `headers` and `timestamp` mirror the Kafka record;
/// `origin` and `raw` keep what a dead letter needs (the original bytes and coordinates).
public struct Record: Sendable {
    public var fields: Fields
    public var key: [UInt8]?
    public var headers: [Header]
    /// Kafka timestamp in milliseconds since the epoch.
    public var timestamp: Int64
    /// Event time in milliseconds since the epoch, once an event-time extractor has run.
    public var eventTime: Int64?
    public var origin: RecordOrigin?
    /// The undecoded Kafka value, kept for dead letters.
    public var raw: [UInt8]?

    @inlinable public init(
        fields: Fields = Fields(), key: [UInt8]? = nil, headers: [Header] = [], timestamp: Int64 = 0,
        eventTime: Int64? = nil, origin: RecordOrigin? = nil, raw: [UInt8]? = nil
    ) {
        self.fields = fields
        self.key = key
        self.headers = headers
        self.timestamp = timestamp
        self.eventTime = eventTime
        self.origin = origin
        self.raw = raw
    }

    @inlinable public subscript(field: String) -> Value? {
        get { fields[field] }
        set { fields[field] = newValue }
    }
}

extension Array where Element == Record {
    /// Moves the record at `index` out, leaving an empty record in its place: no reference counting on the
    /// record's storage, and the caller holds its only reference (so changing it does not copy).
    @inlinable public mutating func takeRecord(at index: Int) -> Record {
        // Moved out and replaced through the buffer: `swap` through the subscript was seen copying the record.
        withUnsafeMutableBufferPointer { buffer in
            precondition(index >= 0 && index < buffer.count, "record index out of range")
            let slot = buffer.baseAddress! + index
            let taken = slot.move()
            // `initialize(to: Record())` compiled to a copy of a temporary empty record and its destruction: a
            // dozen reference-counting calls per record. An empty record's bytes refer only to the runtime's
            // immortal empty-array storage, so writing them needs no retain (and destroying them later releases
            // nothing).
            UnsafeMutableRawPointer(slot).copyMemory(from: Record.emptyBytes, byteCount: MemoryLayout<Record>.size)
            return taken
        }
    }
}

extension Array where Element == Record {
    /// Appends an empty record, to be filled in its place. From `Record.emptyBytes` rather than `Record()`: the
    /// optimizer copied a temporary `Record()` into the array and then destroyed the temporary. The bytes are
    /// copied and moved in as they are (as in `takeRecord(at:)`): `load(as:)` copied them as a value, a retain
    /// of each (immortal) empty buffer, ≈ 150 instructions a decoded record under callgrind.
    @inlinable public mutating func appendEmptyRecord() {
        withUnsafeTemporaryAllocation(of: Record.self, capacity: 1) { slot in
            let empty = slot.baseAddress!
            UnsafeMutableRawPointer(empty).copyMemory(from: Record.emptyBytes, byteCount: MemoryLayout<Record>.size)
            append(empty.move())
        }
    }
}

extension Record {
    /// The bytes of `Record()`, made once (and kept for the process's life) for `takeRecord(at:)`; never written.
    @usableFromInline nonisolated(unsafe) static let emptyBytes: UnsafeRawPointer = {
        let bytes = UnsafeMutablePointer<Record>.allocate(capacity: 1)
        bytes.initialize(to: Record())
        return UnsafeRawPointer(bytes)
    }()
}
