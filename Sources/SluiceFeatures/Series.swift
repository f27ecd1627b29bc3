import SluiceCore

/// A closed window's value for one aggregate.
struct ClosedValue {
    var start: Int64
    var end: Int64
    var value: Value
}

/// The state of one aggregate for one key. Stored by value in a `SeriesColumn` (in the key slot's
/// row) and mutated in place there; reference types may conform too (their methods then need no
/// `mutating`).
protocol Series {
    /// Adds an accepted (non-late) event.
    mutating func insert(_ e: Entry)
    /// The point-in-time value for an event at `t`: events stored so far with time ≤ `t` that fall in
    /// the window this aggregate reports for `t`.
    func value(at t: Int64) -> Value
    /// `value(at:)` for a series read in place, through a pointer (see the extension below).
    mutating func valueInPlace(at t: Int64) -> Value
    /// Closes windows whose end + grace ≤ `watermark` (returned in end order) and drops or settles data
    /// older than `settleBelow`: the engine guarantees no accepted event (hence no query) is older.
    /// With `emit` false the closed windows' values are not computed (an empty array is returned).
    mutating func close(watermark: Int64, settleBelow: Int64, emit: Bool) -> [ClosedValue]
    /// The smallest watermark at which `close` would return something, if any.
    var nextDue: Int64? { get }
    func encode(into w: inout StateWriter)
    /// Restores what `encode` wrote into this freshly made (empty) series.
    mutating func decodeState(from r: inout StateReader) throws(FeatureError)
    /// The arrays whose heap buffers the next event's `step` reads (see `FeatureEngine.prefetchStorage`):
    /// each one's byte offset within the series and its element stride.
    static var prefetchedArrays: [PrefetchedArray] { get }
    /// Whether `prefetch(for:)` does anything.
    static var prefetchesEntries: Bool { get }
    /// Starts fetching what inserting `e` will touch beyond the arrays above (see `Accumulator.prefetch`).
    mutating func prefetch(for e: Entry)
    /// Whether the series reads `Entry.value` (its accumulator keeps input values: first, last, last_k).
    static var readsEntryValue: Bool { get }
}

extension Series {
    static var prefetchedArrays: [PrefetchedArray] { [] }
    static var prefetchesEntries: Bool { false }
    mutating func prefetch(for e: Entry) {}
    static var readsEntryValue: Bool { true }

    // Reads through a pointer (`column.at(slot).pointee`) go through these: a non-mutating call on `pointee`
    // first copies the whole series (retaining and then releasing each of its buffers), whereas inside a
    // mutating method `self` is used in place.
    @inline(__always) mutating func valueInPlace(at t: Int64) -> Value { value(at: t) }
    @inline(__always) mutating func nextDueInPlace() -> Int64? { nextDue }
    @inline(__always) mutating func encodeInPlace(into w: inout StateWriter) { encode(into: &w) }
}

/// An array stored in a series, whose buffer's head and tail are prefetched.
struct PrefetchedArray {
    /// Of the array reference, within the series (later: within the row).
    var offset: Int
    var elementStride: Int
}

/// The hot operations of one aggregate over its column of per-key states, built once per aggregate
/// and engine. Every operation takes the key's slot (see `FeatureEngine.states`).
///
/// Why closures: calling a generic type through a protocol existential runs unspecialised generic code
/// (runtime metadata lookups and value-witness calls on every pane access, ~20x slower). These closures
/// are created where the series type is concrete, so their bodies are fully specialised. The
/// per-event path is one `step` call per aggregate (close, insert, query), which touches the key's
/// element of the column in place: no object per key and aggregate, no reference counting on it.
final class SeriesOps {
    /// Initialises the slot's element of a row just added (to an empty series).
    let initialize: (Int) -> Void
    /// Replaces the slot's series with an empty one (a new key, or an evicted key's memory freed).
    let reset: (Int) -> Void
    let value: (Int, Int64) -> Value
    /// Arguments: the slot, the watermark, the settle bound, whether closed values are needed.
    let close: (Int, Int64, Int64, Bool) -> [ClosedValue]
    let nextDue: (Int) -> Int64?
    /// The whole per-event path in one dynamic call (see `EventStep`); returns the value at `e.time`,
    /// or `.null` when `step.query` is false. The entry is passed by address: an `Entry` argument read from
    /// the engine's buffer was copied for every call (its `Value` retained and released).
    let step: (Int, UnsafePointer<Entry>, EventStep) -> Value
    let encode: (Int, inout StateWriter) -> Void
    /// Decodes a series into the column's staging value; `commit` moves it into a slot. Two steps so
    /// that a key's state is replaced only once all of its aggregates decoded.
    let decode: (inout StateReader) throws(FeatureError) -> Void
    let commit: (Int) -> Void
    /// Starts fetching what the slot's `step` with this entry will touch beyond its arrays; nil when
    /// nothing (see `Series.prefetch(for:)`).
    let prefetch: ((Int, UnsafePointer<Entry>) -> Void)?
    /// The arrays whose buffers the next `step` reads, with offsets within a row (see
    /// `FeatureEngine.prefetchStorage`).
    let prefetchedArrays: [PrefetchedArray]

    init<S: Series>(_: S.Type, rows: SeriesRows, make: @escaping () -> S) {
        let column = SeriesColumn<S>(rows)
        let staged = Staged<S>()
        initialize = { slot in column.initialize(slot, to: make()) }
        reset = { slot in column.at(slot).pointee = make() }
        step = { slot, e, step in
            let p = column.at(slot)
            // The entry is copied before the series changes through `p` (the compiler cannot rule out that the two
            // overlap), and copying an `Entry` copies its `Value`: an outlined copy and destroy per aggregate and
            // event. A series that never reads the value gets the entry rebuilt from its plain fields instead.
            let entry = S.readsEntryValue ? e.pointee : Entry(plainFieldsAt: e)
            if let (watermark, settle) = step.closeFirst { _ = p.pointee.close(watermark: watermark, settleBelow: settle, emit: false) }
            if !step.query {
                p.pointee.insert(entry)
                return .null
            }
            if step.queryBefore {
                let v = p.pointee.valueInPlace(at: entry.time)
                p.pointee.insert(entry)
                return v
            }
            p.pointee.insert(entry)
            return p.pointee.valueInPlace(at: entry.time)
        }
        value = { slot, t in column.at(slot).pointee.valueInPlace(at: t) }
        close = { slot, w, b, emit in column.at(slot).pointee.close(watermark: w, settleBelow: b, emit: emit) }
        nextDue = { slot in column.at(slot).pointee.nextDueInPlace() }
        encode = { slot, w in column.at(slot).pointee.encodeInPlace(into: &w) }
        decode = { (r: inout StateReader) throws(FeatureError) in
            var s = make()
            try s.decodeState(from: &r)
            staged.value = s
        }
        prefetch = S.prefetchesEntries ? { slot, e in
            column.at(slot).pointee.prefetch(for: S.readsEntryValue ? e.pointee : Entry(plainFieldsAt: e))
        } : nil
        prefetchedArrays = S.prefetchedArrays.map { PrefetchedArray(offset: column.offset + $0.offset, elementStride: $0.elementStride) }
        commit = { slot in
            if let s = staged.value { column.at(slot).pointee = s }
            staged.value = nil
        }
    }
}

/// A decoded series waiting to be committed to a slot (see `SeriesOps.decode`).
final class Staged<S> {
    var value: S?
}

/// What `SeriesOps.step` does for one event.
struct EventStep {
    /// Close windows first (without emitting) at this watermark and settle bound; nil when the engine
    /// closed them itself because closed windows are emitted.
    var closeFirst: (watermark: Int64, settle: Int64)?
    /// Whether the point-in-time value is needed (per-event emission).
    var query: Bool
    /// Read the value before inserting the event (time_since_last, or `includeCurrent` off).
    var queryBefore: Bool
}

/// Builds series and their operation tables; every accumulator type is named concretely here so the
/// compiler specialises each (window kind × function) combination.
enum SeriesFactory {
    static func ops(_ spec: AggregateSpec, slidingBuckets: Int, rows: SeriesRows) -> SeriesOps {
        switch spec.function {
        case .count: kinds(CountAcc.self, spec, slidingBuckets, rows)
        case .sum: kinds(SumAcc.self, spec, slidingBuckets, rows)
        case .mean: kinds(MeanAcc.self, spec, slidingBuckets, rows)
        case .min, .max: kinds(ExtremumAcc.self, spec, slidingBuckets, rows)
        case .variance, .stddev: kinds(MomentsAcc.self, spec, slidingBuckets, rows)
        case .distinct: kinds(DistinctAcc.self, spec, slidingBuckets, rows)
        case .quantile: kinds(QuantileAcc.self, spec, slidingBuckets, rows)
        case .first, .last: kinds(EdgeAcc.self, spec, slidingBuckets, rows)
        case .timeSinceLast: kinds(LatestAcc.self, spec, slidingBuckets, rows)
        case .decayedSum, .decayedMean: kinds(DecayedAcc.self, spec, slidingBuckets, rows)
        case .lastK: kinds(LastKAcc.self, spec, slidingBuckets, rows)
        }
    }

    private static func kinds<A: Accumulator>(_: A.Type, _ spec: AggregateSpec, _ buckets: Int, _ rows: SeriesRows) -> SeriesOps {
        let fn = spec.function, grace = spec.grace, window = spec.window
        switch window {
        case .session(let gap):
            return SeriesOps(SessionSeries<A>.self, rows: rows) { SessionSeries<A>(fn, gap: gap, grace: grace) }
        case .count(let n):
            return SeriesOps(CountSeries<A>.self, rows: rows) { CountSeries<A>(fn, n: n, grace: grace) }
        default:
            let shape = PaneSeries<A>.Shape(fn, window: window, grace: grace, slidingBuckets: buckets)
            return SeriesOps(PaneSeries<A>.self, rows: rows) { PaneSeries<A>(shape) }
        }
    }

    /// The value of an empty window (for keys without state).
    static func emptyValue(_ fn: AggregateFunction, at t: Int64) -> Value {
        func empty<A: Accumulator>(_: A.Type) -> Value { A(fn).result(at: t) }
        switch fn {
        case .count: return empty(CountAcc.self)
        case .sum: return empty(SumAcc.self)
        case .mean: return empty(MeanAcc.self)
        case .min, .max: return empty(ExtremumAcc.self)
        case .variance, .stddev: return empty(MomentsAcc.self)
        case .distinct: return empty(DistinctAcc.self)
        case .quantile: return empty(QuantileAcc.self)
        case .first, .last: return empty(EdgeAcc.self)
        case .timeSinceLast: return empty(LatestAcc.self)
        case .decayedSum, .decayedMean: return empty(DecayedAcc.self)
        case .lastK: return empty(LastKAcc.self)
        }
    }
}
