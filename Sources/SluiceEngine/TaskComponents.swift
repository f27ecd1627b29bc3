import SluiceCore
import SluiceOperators

/// Turns a consumed Kafka record into a `Record` (or the reason it can't).
protocol SourceDecoding: AnyObject {
    func decode(key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: [Header], timestamp: Int64, origin: RecordOrigin)
        throws(RecordError) -> Record
    /// As `decode`, appending the record to `records` (unchanged when decoding fails).
    func decode(key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: [Header], timestamp: Int64, origin: RecordOrigin,
                appendingTo records: inout [Record]) throws(RecordError)
}

extension SourceDecoding {
    func decode(key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: [Header], timestamp: Int64, origin: RecordOrigin,
                appendingTo records: inout [Record]) throws(RecordError) {
        records.append(try decode(key: key, value: value, headers: headers, timestamp: timestamp, origin: origin))
    }
}

/// Encodes a record for a sink topic: value bytes, key bytes and headers (lineage included), into buffers the
/// task reuses (cleared first). `now` is the batch's processing time (for `now()` in key/header expressions).
protocol SinkEncoding: AnyObject {
    var topic: String { get }
    func encode(_ record: Record, value: inout [UInt8], key: inout [UInt8]?, headers: inout [Header], now: Int64) throws(RecordError)
}

/// Where a task's outputs go: Kafka in `sluice run`, memory in `sluice backfill` and tests.
protocol TaskOutputSink: AnyObject {
    /// Sends one message derived from the task's current batch.
    func send(topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8], headers: [Header], timestamp: Int64?)
}

/// Everything a task needs to build its operators and codecs; the engine and backfill supply it.
struct TaskFactory {
    var makeOperator: (_ op: SluiceTopologyOperator, _ partition: Int32) throws -> any StreamOperator
    var makeDecoder: (_ nodeID: String) throws -> any SourceDecoding
    var makeEncoder: (_ nodeID: String) throws -> any SinkEncoding
    /// Builds the dead-letter message for a record rejected by `operatorID`.
    var makeDeadLetter: (_ record: Record, _ error: RecordError, _ operatorID: String) -> RoutedDeadLetter
    /// The event-time assigner of a source (which rejects records whose time can't be read); resolved once per
    /// batch, not per record.
    var eventTimeAssigner: (_ sourceID: String) -> EventTimeAssigner?
}

extension EventTimeAssigner {
    /// Sets the record's event time; the error when it can't be read (the record is then a dead letter).
    func rejection(assigning record: inout Record) -> RecordError? {
        do throws(RecordError) {
            try assign(&record)
            return nil
        } catch {
            return error
        }
    }
}
