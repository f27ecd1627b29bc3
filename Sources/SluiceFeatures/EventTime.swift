import SluiceCore

/// How a record's event time is found, converted to epoch milliseconds.
///
/// ```swift
/// let ts = EventTimeExtractor(.field("ts", unit: .milliseconds))
/// let t = try ts.eventTime(of: record)   // Int64 ms
/// ```
public struct EventTimeExtractor: Sendable, Hashable {
    /// The unit of a numeric or textual event-time field.
    public enum Unit: String, Sendable, Hashable, CaseIterable {
        case seconds = "s"
        case milliseconds = "ms"
        case microseconds = "us"
        /// An ISO-8601 / RFC 3339 string such as `2024-05-01T12:30:00.250Z` or `...+04:00`.
        case iso8601 = "iso8601"
    }

    public enum Source: Sendable, Hashable {
        /// A (possibly dotted) field path and its unit.
        case field(String, unit: Unit)
        /// The Kafka record timestamp (`Record.timestamp`, already milliseconds).
        case kafkaTimestamp
    }

    public var source: Source

    public init(_ source: Source) { self.source = source }

    /// The event time of `record` in epoch milliseconds.
    ///
    /// Seconds may carry a fraction (`1714566600.25` → `…250`); microseconds are truncated towards
    /// negative infinity to whole milliseconds.
    /// - Throws: `RecordError` `.missingField` when the field is absent or null, `.wrongType` when it is
    ///   neither a number nor (for `.iso8601`) a string, `.outOfRange` for non-finite or unrepresentable
    ///   numbers, `.decode` for an unparsable timestamp string.
    public func eventTime(of record: Record) throws(RecordError) -> Int64 {
        switch source {
        case .kafkaTimestamp:
            return record.timestamp
        case .field(let name, let unit):
            guard let value = record.fields.value(atPath: name), !value.isNull else {
                throw RecordError(.missingField, field: name, "event time field is missing or null")
            }
            return try Self.convert(value, unit: unit, field: name)
        }
    }

    static func convert(_ value: Value, unit: Unit, field: String) throws(RecordError) -> Int64 {
        if unit == .iso8601 {
            guard case .string(let s) = value else {
                throw RecordError(.wrongType, field: field, "event time must be an ISO-8601 string, got \(value.typeName)")
            }
            guard let ms = ISO8601.parseMillis(s) else {
                throw RecordError(.decode, field: field, "'\(s)' is not an ISO-8601 timestamp (expected e.g. 2024-05-01T12:30:00Z)")
            }
            return ms
        }
        switch value {
        case .int(let i):
            switch unit {
            case .seconds:
                let (r, o) = i.multipliedReportingOverflow(by: 1000)
                if o { throw RecordError(.outOfRange, field: field, "event time \(i) s does not fit in milliseconds") }
                return r
            case .milliseconds: return i
            case .microseconds: return TimeMath.floorDiv(i, 1000)
            case .iso8601: fatalError("handled above")
            }
        case .double(let d):
            let scaled: Double
            switch unit {
            case .seconds: scaled = d * 1000
            case .milliseconds: scaled = d
            case .microseconds: scaled = d / 1000
            case .iso8601: fatalError("handled above")
            }
            guard scaled.isFinite, abs(scaled) < 9.2e18 else {
                throw RecordError(.outOfRange, field: field, "event time \(d) \(unit.rawValue) is not a representable time")
            }
            return Int64(scaled.rounded(.down))
        default:
            throw RecordError(.wrongType, field: field, "event time must be a number of \(unit.rawValue), got \(value.typeName)")
        }
    }
}
