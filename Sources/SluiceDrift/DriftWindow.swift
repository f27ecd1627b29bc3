import SluiceCore
import SluiceStats

/// The state of one open window: a bounded accumulator per monitored feature, the performance accumulator
/// and the detector alarms raised by records of this window.
struct DriftWindow: Equatable {
    /// Window start for tumbling windows; the window's ordinal for count windows.
    let key: Int64
    /// Smallest and largest record time seen (count windows report [minTime, maxTime + 1)).
    var minTime = Int64.max
    var maxTime = Int64.min
    /// Main-input records.
    var rows = 0
    var accumulators: [WindowAccumulator]
    var performance: PerformanceWindow?
    var alarms: [DetectorAlarm] = []

    mutating func see(time t: Int64) {
        if t < minTime { minTime = t }
        if t > maxTime { maxTime = t }
    }
}

/// A monitored feature and where it was found in the previous record (records of one stream usually share a
/// field layout, so the cached position saves the linear name search).
struct FeatureSlot {
    let name: String
    let type: FeatureType
    var hint = 0

    /// The position of the field in a record, or nil when absent. Reads through the pointer (a borrow), so no
    /// reference counting happens on the record's storage.
    @inline(__always)
    mutating func position(in rec: UnsafePointer<Record>) -> Int? {
        let n = rec.pointee.fields.storage.count
        if hint < n && rec.pointee.fields.storage[hint].name == name { return hint }
        for i in 0..<n where rec.pointee.fields.storage[i].name == name {
            hint = i
            return i
        }
        return nil
    }

    /// Numeric view: integers and doubles; anything else (null, absent, wrong type) is missing (NaN).
    @inline(__always)
    mutating func number(in rec: UnsafePointer<Record>) -> Double {
        guard let i = position(in: rec) else { return .nan }
        switch rec.pointee.fields.storage[i].value {
        case .double(let d): return d
        case .int(let v): return Double(v)
        default: return .nan
        }
    }

    /// The field's value, or nil when absent.
    mutating func value(in rec: UnsafePointer<Record>) -> Value? {
        position(in: rec).map { rec.pointee.fields.storage[$0].value }
    }

    /// Categorical view: strings as-is, integers and booleans spelled out; null or absent is missing.
    mutating func category(in rec: UnsafePointer<Record>) -> String? {
        switch value(in: rec) {
        case .string(let s)?: s
        case .int(let i)?: String(i)
        case .bool(let b)?: b ? "true" : "false"
        case .double(let d)?: d.description
        default: nil
        }
    }
}

/// Scratch columns for one run of consecutive records of the same window: the features are read column by
/// column (one tight loop per feature, whose cached field position stays hot) and handed to the accumulators
/// as buffers. Allocated once; reused for every batch.
struct ColumnScratch {
    var slots: [FeatureSlot] = []
    var numbers: [Double] = []
    var categories: [String?] = []

    init() {}

    init(slots: [FeatureSlot], capacity: Int) {
        self.slots = slots
        numbers = [Double](repeating: .nan, count: capacity)
        categories.reserveCapacity(slots.contains { $0.type == .categorical } ? capacity : 0)
    }
}

/// Event-time helpers.
enum EventTime {
    /// The record's event time, falling back to its Kafka timestamp when no extractor ran.
    @inline(__always)
    static func of(_ r: Record) -> Int64 { r.eventTime ?? r.timestamp }

    /// Start of the tumbling window holding `t` (windows are aligned to the epoch).
    @inline(__always)
    static func windowStart(_ t: Int64, size: Int64) -> Int64 {
        let q = t / size
        return (t % size < 0 ? q - 1 : q) * size
    }
}
