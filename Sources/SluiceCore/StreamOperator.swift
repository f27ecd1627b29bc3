/// Which input of an operator a batch arrives on (joins have two).
public enum InputSide: Sendable, Hashable {
    case main
    case left
    case right
}

/// What an operator produced for one batch: records on its main output, records on named outputs
/// (route branches, shadow predictions), dead letters with their reason, and late records.
///
/// The engine owns one per task and clears it between batches, so its arrays keep their capacity.
public struct OperatorOutput: Sendable {
    public var records: [Record] = []
    public var named: [String: [Record]] = [:]
    public var deadLetters: [(record: Record, error: RecordError)] = []
    public var late: [(record: Record, reason: String)] = []
    /// Messages to publish outside the dataflow (drift reports, retraining requests): topic, key, value.
    public var published: [(topic: String, key: [UInt8]?, value: [UInt8])] = []

    public init() {}

    // Consuming: an operator's last use of a record moves it into the output instead of copying it (a copy
    // retains, and the dropped original releases, every buffer the record holds).
    @inlinable public mutating func emit(_ record: consuming Record) { records.append(record) }
    @inlinable public mutating func emit(_ record: consuming Record, to output: String) { named[output, default: []].append(record) }
    @inlinable public mutating func deadLetter(_ record: consuming Record, _ error: RecordError) {
        deadLetters.append((record, error))
    }

    public mutating func removeAll() {
        records.removeAll(keepingCapacity: true)
        for k in named.keys { named[k]!.removeAll(keepingCapacity: true) }
        deadLetters.removeAll(keepingCapacity: true)
        late.removeAll(keepingCapacity: true)
        published.removeAll(keepingCapacity: true)
    }
}

/// Facts an operator may need about the batch being processed.
public struct OperatorContext: Sendable {
    /// The partition this task owns.
    public var partition: Int32
    /// Processing time (ms since the epoch) at the start of the batch.
    public var processingTime: Int64
    /// The partition's event-time watermark (ms), or `Int64.min` before any event.
    public var watermark: Int64
    public init(partition: Int32, processingTime: Int64, watermark: Int64) {
        self.partition = partition
        self.processingTime = processingTime
        self.watermark = watermark
    }
}

/// One operator instance per partition task. Called on the task's thread only: no locking needed inside.
///
/// `process` handles a whole batch synchronously — no suspension per record. Results are as if records were
/// processed one at a time in order.
public protocol StreamOperator: AnyObject {
    var id: String { get }
    func process(_ batch: [Record], from side: InputSide, context: OperatorContext, into output: inout OperatorOutput)
    /// `process` for a batch the caller gives up (it is this operator's input alone): an operator that rewrites
    /// records may move them out of `batch` and change them in place, instead of paying a copy-on-write of every
    /// record's fields. `batch` may be left in any state. Defaults to `process`.
    func process(owned batch: inout [Record], from side: InputSide, context: OperatorContext, into output: inout OperatorOutput)
    /// Called after each batch with the new watermark, so windowed operators can close windows.
    func advance(context: OperatorContext, into output: inout OperatorOutput)
}

extension StreamOperator {
    public func advance(context: OperatorContext, into output: inout OperatorOutput) {}
    public func process(owned batch: inout [Record], from side: InputSide, context: OperatorContext, into output: inout OperatorOutput) {
        process(batch, from: side, context: context, into: &output)
    }
}

/// A byte-keyed store an operator checkpoints its state into (implemented by SluiceState's stores).
public protocol KeyedStateStore: AnyObject {
    func get(_ key: [UInt8]) -> [UInt8]?
    func put(_ key: [UInt8], _ value: [UInt8], timestamp: Int64) throws
    func delete(_ key: [UInt8]) throws
    func forEach(_ body: ([UInt8], [UInt8]) throws -> Void) rethrows
}

/// An operator with keyed state. The engine calls `saveState` before each checkpoint (write what changed
/// since the last call) and `loadState` after a restore (from local segments or the changelog).
public protocol StatefulOperator: StreamOperator {
    func saveState(into store: any KeyedStateStore) throws
    func loadState(from store: any KeyedStateStore) throws
    /// Online lookup of the current state of one key, for `sluice state get` and the admin API.
    func lookup(key: [UInt8]) -> Fields?
}
