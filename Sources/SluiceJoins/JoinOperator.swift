import SluiceCore

/// A stream–stream interval join (`type: join`), e.g. predictions with labels that arrive days later.
///
/// A left and a right record with equal `on` values join when their times (event time, else the Kafka
/// timestamp) are at most `within` apart. Every such pair is emitted exactly once, when the second of the
/// two arrives, whatever the arrival order on either side. The output is the left record (key, headers,
/// times and origin) with the right record's fields added: without `rightPrefix` a field both sides have
/// keeps the **left** value (the join key is equal anyway, and the left record's own values, such as its
/// event time field, are what downstream windows expect); with `rightPrefix` every right field is added
/// as `<prefix><name>` (still without overwriting a left field).
///
/// Both sides are buffered per key until the watermark passes `t + within` — no on-time record can match
/// after that — then evicted in `advance`; with `emit: left_outer` an unmatched left record is emitted
/// at that point with `rightFields` null. Memory is thus bounded by the records of one `within` span
/// (plus the allowed disorder). A record without the `on` field (or null) is a dead letter (`MISSING_FIELD`).
/// Records from `InputSide.main` are treated as left records.
public final class JoinOperator: StatefulOperator {
    struct Entry {
        var record: Record
        var time: Int64
        var matched: Bool
    }

    struct KeyBuffer {
        var left: [Entry] = []
        var right: [Entry] = []
        var isEmpty: Bool { left.isEmpty && right.isEmpty }
    }

    public let id: String
    public let config: JoinConfig
    /// Joined pairs emitted so far.
    public private(set) var joined = 0
    /// Unmatched left records emitted by `left_outer` so far.
    public private(set) var leftOuterEmitted = 0
    /// Records evicted from the buffers so far (both sides).
    public private(set) var evicted = 0

    var buffers: [String: KeyBuffer] = [:]
    var expiries = MinHeap<Expiry>()
    var dirty: Set<String> = []
    private let paddedFieldNames: [String]

    /// Records currently buffered (both sides).
    public var bufferedRecords: Int { buffers.values.reduce(0) { $0 + $1.left.count + $1.right.count } }

    public init(config: JoinConfig) throws(JoinsError) {
        guard !config.on.isEmpty else { throw JoinsError(.invalidConfig, "join needs an 'on' field", operatorID: config.id) }
        guard config.within >= 0 else {
            throw JoinsError(.invalidConfig, "join 'within' must not be negative, got \(config.within) ms",
                             operatorID: config.id)
        }
        self.id = config.id
        self.config = config
        self.paddedFieldNames = config.rightFields.map { (config.rightPrefix ?? "") + $0 }
    }

    public func process(_ batch: [Record], from side: InputSide, context: OperatorContext,
                        into output: inout OperatorOutput) {
        let isRight = side == .right
        for record in batch {
            guard let value = record.fields[config.on], !value.isNull else {
                output.deadLetter(record, RecordError(.missingField, field: config.on,
                                                      "join field '\(config.on)' is missing or null"))
                continue
            }
            let key = keyText(value)
            let time = record.eventTime ?? record.timestamp
            var buffer = buffers.removeValue(forKey: key) ?? KeyBuffer()
            var matched = false
            if isRight {
                for i in buffer.left.indices where abs(buffer.left[i].time &- time) <= config.within {
                    output.emit(combine(left: buffer.left[i].record, right: record))
                    buffer.left[i].matched = true
                    matched = true
                    joined += 1
                }
                buffer.right.append(Entry(record: record, time: time, matched: matched))
            } else {
                for other in buffer.right where abs(other.time &- time) <= config.within {
                    output.emit(combine(left: record, right: other.record))
                    matched = true
                    joined += 1
                }
                buffer.left.append(Entry(record: record, time: time, matched: matched))
            }
            buffers[key] = buffer
            expiries.insert(Expiry(time: time &+ config.within, key: key))
            dirty.insert(key)
        }
    }

    /// Evicts records whose `t + within` is behind the watermark; emits unmatched left records for `left_outer`.
    public func advance(context: OperatorContext, into output: inout OperatorOutput) {
        let watermark = context.watermark
        guard watermark != .min else { return }
        while let next = expiries.min, next.time < watermark {
            expiries.popMin()
            guard var buffer = buffers.removeValue(forKey: next.key) else { continue }
            let before = buffer.left.count + buffer.right.count
            buffer.left.removeAll { entry in
                guard entry.time &+ config.within < watermark else { return false }
                if !entry.matched && config.emit == .leftOuter {
                    output.emit(padded(entry.record))
                    leftOuterEmitted += 1
                }
                return true
            }
            buffer.right.removeAll { $0.time &+ config.within < watermark }
            evicted += before - buffer.left.count - buffer.right.count
            if !buffer.isEmpty { buffers[next.key] = buffer }
            dirty.insert(next.key)
        }
    }

    /// The left record with the right record's fields added (see the type's documentation).
    func combine(left: Record, right: Record) -> Record {
        var out = left
        out.fields.reserveCapacity(left.fields.count + right.fields.count)
        for field in right.fields {
            let name = config.rightPrefix.map { $0 + field.name } ?? field.name
            if out.fields.index(of: name) == nil { out.fields.append(name, field.value) }
        }
        return out
    }

    /// An unmatched left record with the configured right fields as null.
    func padded(_ left: Record) -> Record {
        var out = left
        for name in paddedFieldNames where out.fields.index(of: name) == nil { out.fields.append(name, .null) }
        return out
    }
}
