import SluiceCore

/// Calendar functions on epoch milliseconds, always in UTC so results do not depend on the host.
enum TimeBuiltins {
    static let msPerDay: Int64 = 86_400_000

    static func millis(_ v: Value, _ name: String) throws(RecordError) -> Int64 {
        if case .int(let i) = v { return i }
        return try exactInteger(v.asDouble!.rounded(.down), "\(name) timestamp")
    }

    /// Floor division, so instants before 1970 fall on the right day.
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static let hourOfDay: FunctionBody.Unary = { v throws(RecordError) in
        let ms = try millis(v, "hour_of_day")
        return .int((ms - floorDiv(ms, msPerDay) * msPerDay) / 3_600_000)
    }

    static let minuteOfHour: FunctionBody.Unary = { v throws(RecordError) in
        let ms = try millis(v, "minute_of_hour")
        return .int((ms - floorDiv(ms, 3_600_000) * 3_600_000) / 60_000)
    }

    /// 0 = Monday … 6 = Sunday (ISO order, starting at 0). 1970-01-01 was a Thursday (3).
    static let dayOfWeek: FunctionBody.Unary = { v throws(RecordError) in
        let days = floorDiv(try millis(v, "day_of_week"), msPerDay)
        let d = (days + 3) % 7
        return .int(d < 0 ? d + 7 : d)
    }

    static let now: FunctionBody = .context { _, context in .int(context.now) }
    /// The record's event time once an extractor has set it, else its Kafka timestamp.
    static let eventTime: FunctionBody = .context { record, _ in .int(record.eventTime ?? record.timestamp) }
}
