import SluiceCore

/// When a features engine emits.
public enum EmitMode: String, Sendable, Hashable, CaseIterable {
    /// Every accepted record, enriched with its point-in-time feature values.
    case perEvent = "per_event"
    /// One result per key per window when the watermark closes it (tumbling, hopping, session).
    case onClose = "on_close"
    case both

    var perEvent: Bool { self != .onClose }
    var onClose: Bool { self != .perEvent }
}

/// The values of one closed window of one key.
public struct WindowResult: Sendable, Hashable {
    public var key: [UInt8]
    /// The window definition shared by the aggregates in `values`.
    public var window: WindowSpec
    /// Window bounds `[start, end)` in epoch ms (a session ends at last event + gap).
    public var start: Int64
    public var end: Int64
    /// Aggregate name → value, in configuration order.
    public var values: Fields

    /// As a record for a sink: key bytes as the Kafka key, event time and timestamp = `end − 1`, fields
    /// `window_start`, `window_end`, then the values.
    public var record: Record {
        var f = Fields()
        f.reserveCapacity(values.count + 2)
        f.append("window_start", .int(start))
        f.append("window_end", .int(end))
        for v in values { f.append(v.name, v.value) }
        return Record(fields: f, key: key, timestamp: end - 1, eventTime: end - 1)
    }
}

/// What `FeatureEngine` returns for a record or a watermark advance.
public enum FeatureOutput: Sendable {
    /// The record with one field per aggregate holding its point-in-time value (`eventTime` set).
    case event(Record)
    /// A window that closed (emit `on_close` / `both`).
    case window(WindowResult)
    /// The record was late for at least one aggregate; it was applied to none. The error's code is
    /// `.late`, its field the first aggregate whose window had closed.
    case late(Record, RecordError)
    /// The record's input for an aggregate had the wrong type; it was applied to none.
    case invalid(Record, RecordError)
}

/// Running totals, for metrics.
public struct FeatureCounters: Sendable, Hashable {
    public var accepted: Int = 0
    public var late: Int = 0
    public var invalid: Int = 0
    public var windowsEmitted: Int = 0
    public var keysEvicted: Int = 0
}
