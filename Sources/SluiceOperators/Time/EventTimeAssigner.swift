public import SluiceCore
public import SluiceTopology

/// Sets `Record.eventTime` from `processing.event_time` (or a source's override): a field in seconds,
/// milliseconds, microseconds or ISO 8601 text, or the Kafka record timestamp when no field is set.
///
/// Numbers: `s` and `us` accept integers and finite doubles (fractions floored to the millisecond);
/// `ms` too. ISO 8601: see `docs/operators.md`. A missing or null field is `MISSING_FIELD`, a value
/// of the wrong kind or unparsable text `WRONG_TYPE`, a value beyond the 64-bit millisecond range
/// `OUT_OF_RANGE` — each a dead letter naming the field.
///
/// ```swift
/// let assigner = EventTimeAssigner(source: source, processing: topology.processing)
/// try assigner.assign(&record)
/// ```
public final class EventTimeAssigner: StreamOperator {
    public let id: String
    /// The field read; `nil` = Kafka timestamp.
    public let field: String?
    private let position: FieldPosition?
    public let unit: ProcessingConfig.TimeUnit
    public private(set) var counters = StageCounters()

    public init(id: String = "event_time", field: String?, unit: ProcessingConfig.TimeUnit) {
        self.id = id
        self.field = field
        position = field.map(FieldPosition.init)
        self.unit = unit
    }

    public convenience init(id: String = "event_time", _ config: ProcessingConfig.EventTime) {
        self.init(id: id, field: config.field, unit: config.unit)
    }

    /// The source's own `event_time` when it has one, else the topology's.
    public convenience init(source: Source, processing: ProcessingConfig) {
        self.init(id: "event_time:\(source.id)", source.eventTime ?? processing.eventTime)
    }

    public func process(_ batch: [Record], from side: InputSide, context: OperatorContext, into output: inout OperatorOutput) {
        counters.records += batch.count
        for record in batch {
            var copy = record
            do {
                try assign(&copy)
                counters.emitted += 1
                output.emit(copy)
            } catch {
                counters.deadLettered += 1
                output.deadLetter(record, error)
            }
        }
    }

    /// Sets `record.eventTime`.
    public func assign(_ record: inout Record) throws(RecordError) {
        record.eventTime = try eventTime(of: record)
    }

    /// The event time of `record` in epoch milliseconds.
    public func eventTime(of record: Record) throws(RecordError) -> Int64 {
        guard let field else { return record.timestamp }
        let value = (position?.index(in: record.fields).map { record.fields.storage[$0].value }) ?? record.fields.value(atPath: field)
        switch (value ?? .null, unit) {
        case (.null, _):
            throw RecordError(.missingField, field: field, "\(field): the event-time field is missing or null")
        case (.string(let text), .iso8601):
            guard let ms = ISO8601Parser.parse(text) else {
                throw RecordError(.wrongType, field: field, "\(field): \(Rendering.value(.string(text))) is not an ISO 8601 timestamp "
                    + "(expected e.g. 2024-03-01T12:30:00Z)")
            }
            return ms
        case (.int(let i), .ms): return i
        case (.int(let i), .s):
            let (ms, overflow) = i.multipliedReportingOverflow(by: 1000)
            if overflow { throw outOfRange(.int(i)) }
            return ms
        case (.int(let i), .us): return i >= 0 ? i / 1000 : (i - 999) / 1000
        case (.double(let d), .s), (.double(let d), .ms), (.double(let d), .us):
            let scaled = (unit == .s ? d * 1000 : unit == .us ? d / 1000 : d).rounded(.down)
            guard scaled.isFinite, scaled >= -9.2e18, scaled <= 9.2e18 else { throw outOfRange(.double(d)) }
            return Int64(scaled)
        case (let v, _):
            let expected = unit == .iso8601 ? "ISO 8601 text" : "a number of \(Self.unitName(unit)) since the epoch"
            throw RecordError(.wrongType, field: field, "\(field): expected \(expected), found \(v.typeName) \(Rendering.value(v))")
        }
    }

    private func outOfRange(_ v: Value) -> RecordError {
        RecordError(.outOfRange, field: field, "\(field ?? "event time"): \(v) \(Self.unitName(unit)) is beyond the representable time range")
    }

    static func unitName(_ unit: ProcessingConfig.TimeUnit) -> String {
        switch unit {
        case .s: "seconds"
        case .ms: "milliseconds"
        case .us: "microseconds"
        case .iso8601: "ISO 8601"
        }
    }
}
