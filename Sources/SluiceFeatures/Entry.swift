import SluiceCore
import SluiceStats

/// One accepted event as an aggregate stores it: its time and its input, pre-converted once.
struct Entry {
    var time: Int64
    /// Numeric input (numeric functions).
    var num: Double
    /// Stable 64-bit hash of the input (distinct).
    var bits: UInt64
    /// The input itself (first, last, last_k); `.null` for functions that do not need it.
    var value: Value
    /// False when the event had no input for this aggregate: it still shapes windows and sessions.
    var present: Bool

    init(time: Int64, num: Double = 0, bits: UInt64 = 0, value: Value = .null, present: Bool = true) {
        self.time = time
        self.num = num
        self.bits = bits
        self.value = value
        self.present = present
    }

    /// The entry at `e` without its value (which is `.null` for every function but first, last and last_k): built
    /// from its plain fields, it is copied and destroyed without touching a `Value` (see `SeriesOps.step`).
    @inline(__always)
    init(plainFieldsAt e: UnsafePointer<Entry>) {
        self.init(time: e.pointee.time, num: e.pointee.num, bits: e.pointee.bits, present: e.pointee.present)
    }

    /// Converts `record`'s input for aggregate `name` (function `fn`) into an entry. `isPath`: the
    /// input field name contains a dot (decided once per aggregate: most inputs are plain names and
    /// skip the path walk).
    /// - Throws: `RecordError.wrongType` when a numeric function gets a non-numeric value.
    static func make(_ fn: AggregateFunction, _ input: FeatureInput, name: String, isPath: Bool,
                     record: Record, time: Int64) throws(RecordError) -> Entry {
        let raw: Value?
        switch input {
        case .none: return Entry(time: time)
        case .field(let f): raw = isPath ? record.fields.value(atPath: f) : record.fields[f]
        case .custom(_, let extract): raw = extract(record)
        }
        return try make(fn, raw, name: name, time: time) { input.fieldName }
    }

    /// `make` for a plain field name looked up where it was found last: the usual input, read on every record
    /// without copying (and reference counting) the aggregate's `FeatureInput`.
    @inline(__always)
    static func make(_ fn: AggregateFunction, at position: Unmanaged<FieldPosition>, name: String,
                     record: Record, time: Int64) throws(RecordError) -> Entry {
        let index = position._withUnsafeGuaranteedRef { $0.index(in: record.fields) }
        guard let index else { return Entry(time: time, present: false) }
        return try make(fn, record.fields.storage[index].value, name: name, time: time) {
            position._withUnsafeGuaranteedRef { $0.name }
        }
    }

    /// The entry for an input value (nil or null: the event has no input). `field` names the input in errors
    /// (asked only then: reading a name per record would reference count it).
    @inline(__always)
    private static func make(_ fn: AggregateFunction, _ raw: Value?, name: String, time: Int64,
                             field: () -> String?) throws(RecordError) -> Entry {
        guard let v = raw, !v.isNull else { return Entry(time: time, present: false) }
        if fn.numericInput {
            guard let d = v.asDouble else {
                throw RecordError(.wrongType, field: field() ?? name, "\(fn) of '\(name)' needs a number, got \(v.typeName)")
            }
            return Entry(time: time, num: d)
        }
        // Which functions keep the value is decided in one place: the engine relies on every other entry's being `.null`.
        if fn.keepsInputValue { return Entry(time: time, value: v) }
        if case .distinct = fn { return Entry(time: time, bits: stableHash(v)) }
        return Entry(time: time)
    }

    /// A hash that is identical across processes (`Hasher` is seeded per process). Integers and
    /// doubles with the same numeric value hash alike, as they compare equal in expressions.
    static func stableHash(_ v: Value) -> UInt64 {
        switch v {
        case .int(let i): StableHash.hash(Double(i))
        case .double(let d): StableHash.hash(d)
        case .string(let s): StableHash.hash(s)
        case .bool(let b): StableHash.mix(b ? 0xB001_0001 : 0xB001_0000)
        default: StableHash.hash(v.description) ^ 0x5eed_0b1e_c700_0000
        }
    }

    func encode(into w: inout StateWriter) {
        w.i64(time); w.f64(num); w.u64(bits); w.bool(present); w.value(value)
    }

    /// Layout 2: a flags byte (present, then which of num, bits and value are not zero/null), the time
    /// as a signed varint delta from `previous`, then only the non-zero parts. An entry of a sum is
    /// about 12 bytes instead of 26.
    func encode(into w: inout StateWriter, after previous: Int64) {
        let hasNum = num.bitPattern != 0, hasBits = bits != 0, hasValue = !value.isNull
        w.u8((present ? 1 : 0) | (hasNum ? 2 : 0) | (hasBits ? 4 : 0) | (hasValue ? 8 : 0))
        w.zigzag(time &- previous)
        if hasNum { w.f64(num) }
        if hasBits { w.u64(bits) }
        if hasValue { w.value(value) }
    }

    init(decoding r: inout StateReader, after previous: Int64) throws(FeatureError) {
        let flags = try r.u8()
        guard flags & 0xF0 == 0 else {
            throw FeatureError(.corruptState, "unknown entry flags", context: ["offset": "\(r.pos)"])
        }
        time = previous &+ (try r.zigzag())
        num = flags & 2 != 0 ? try r.f64() : 0
        bits = flags & 4 != 0 ? try r.u64() : 0
        value = flags & 8 != 0 ? try r.value() : .null
        present = flags & 1 != 0
    }

    init(decoding r: inout StateReader) throws(FeatureError) {
        time = try r.i64(); num = try r.f64(); bits = try r.u64(); present = try r.bool(); value = try r.value()
    }
}

/// What a raw log keeps of an entry (see `Accumulator.Stored`).
protocol StoredEntry {
    /// Whether this form keeps all of `e` (restored state is checked with it).
    static func keepsAll(of e: Entry) -> Bool
    /// Whether this form keeps `Entry.value` (only accumulators that read it use such a form).
    static var keepsValue: Bool { get }
    init(_ e: Entry)
    var time: Int64 { get }
    var present: Bool { get }
    /// The entry as it was stored.
    var entry: Entry { get }
}

extension Entry: StoredEntry {
    static func keepsAll(of e: Entry) -> Bool { true }
    static var keepsValue: Bool { true }
    init(_ e: Entry) { self = e }
    var entry: Entry { self }
}

/// An entry without its input value: its time, its number or its hash (whichever the function uses:
/// `Entry.make` never sets both) and whether it had input. 24 bytes instead of 48, so the raw entries of
/// every aggregate but first, last and last_k take half the memory (and the cache lines) they did.
struct CompactEntry: StoredEntry {
    let time: Int64
    private let payload: UInt64
    /// 1: present; 2: `payload` is the hash (otherwise the number's bits).
    private let flags: UInt8

    static func keepsAll(of e: Entry) -> Bool { e.value.isNull && (e.bits == 0 || e.num.bitPattern == 0) }
    static var keepsValue: Bool { false }

    init(_ e: Entry) {
        assert(Self.keepsAll(of: e), "a compact entry keeps no value and one of number and hash")
        time = e.time
        let isHash = e.bits != 0
        payload = isHash ? e.bits : e.num.bitPattern
        flags = (e.present ? 1 : 0) | (isHash ? 2 : 0)
    }

    var present: Bool { flags & 1 != 0 }

    var entry: Entry {
        flags & 2 != 0
            ? Entry(time: time, bits: payload, present: present)
            : Entry(time: time, num: Double(bitPattern: payload), present: present)
    }
}

extension FeatureInput {
    var fieldName: String? { if case .field(let f) = self { f } else { nil } }
}
