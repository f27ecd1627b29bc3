import SluiceCore

/// A closed window's value for one aggregate.
struct ClosedValue {
    var start: Int64
    var end: Int64
    var value: Value
}

/// The state of one aggregate for one key. Class-bound so that the engine mutates it in place.
protocol Series: AnyObject {
    /// Adds an accepted (non-late) event.
    func insert(_ e: Entry)
    /// The point-in-time value for an event at `t`: events stored so far with time ≤ `t` that fall in
    /// the window this aggregate reports for `t`.
    func value(at t: Int64) -> Value
    /// Closes windows whose end + grace ≤ `watermark` (returned in end order) and drops or settles data
    /// older than `settleBelow`: the engine guarantees no accepted event (hence no query) is older.
    /// With `emit` false the closed windows' values are not computed (an empty array is returned).
    func close(watermark: Int64, settleBelow: Int64, emit: Bool) -> [ClosedValue]
    /// The smallest watermark at which `close` would return something, if any.
    var nextDue: Int64? { get }
    func encode(into w: inout StateWriter)
    /// Restores what `encode` wrote into this freshly made (empty) series.
    func decodeState(from r: inout StateReader) throws(FeatureError)
}

/// The hot operations of one aggregate's series type, built once per aggregate.
///
/// Why: calling a generic class through `any Series` runs unspecialised generic code (runtime metadata
/// lookups and value-witness calls on every pane access, ~20x slower). These closures are created in a
/// context where the series type is concrete, so their bodies are fully specialised; the per-key state
/// stays a plain array of objects. The per-event path is one `step` call per aggregate (close, insert,
/// query), so each record pays one dynamic call and one object access per aggregate, not three.
final class SeriesOps {
    let make: () -> any Series
    let value: (any Series, Int64) -> Value
    /// Arguments: the watermark, the settle bound, whether closed values are needed.
    let close: (any Series, Int64, Int64, Bool) -> [ClosedValue]
    let nextDue: (any Series) -> Int64?
    /// The whole per-event path in one dynamic call (see `EventStep`); returns the value at `e.time`,
    /// or `.null` when `step.query` is false.
    let step: (any Series, Entry, EventStep) -> Value

    init<S: Series>(_: S.Type, make: @escaping () -> S) {
        self.make = make
        step = { s, e, step in
            let series = unsafeDowncast(s as AnyObject, to: S.self)
            if let (watermark, settle) = step.closeFirst { _ = series.close(watermark: watermark, settleBelow: settle, emit: false) }
            if !step.query {
                series.insert(e)
                return .null
            }
            if step.queryBefore {
                let v = series.value(at: e.time)
                series.insert(e)
                return v
            }
            series.insert(e)
            return series.value(at: e.time)
        }
        value = { s, t in unsafeDowncast(s as AnyObject, to: S.self).value(at: t) }
        close = { s, w, b, emit in unsafeDowncast(s as AnyObject, to: S.self).close(watermark: w, settleBelow: b, emit: emit) }
        nextDue = { s in unsafeDowncast(s as AnyObject, to: S.self).nextDue }
    }
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
    static func ops(_ spec: AggregateSpec, slidingBuckets: Int) -> SeriesOps {
        switch spec.function {
        case .count: kinds(CountAcc.self, spec, slidingBuckets)
        case .sum, .mean: kinds(SumAcc.self, spec, slidingBuckets)
        case .min, .max: kinds(ExtremumAcc.self, spec, slidingBuckets)
        case .variance, .stddev: kinds(MomentsAcc.self, spec, slidingBuckets)
        case .distinct: kinds(DistinctAcc.self, spec, slidingBuckets)
        case .quantile: kinds(QuantileAcc.self, spec, slidingBuckets)
        case .first, .last: kinds(EdgeAcc.self, spec, slidingBuckets)
        case .timeSinceLast: kinds(LatestAcc.self, spec, slidingBuckets)
        case .decayedSum, .decayedMean: kinds(DecayedAcc.self, spec, slidingBuckets)
        case .lastK: kinds(LastKAcc.self, spec, slidingBuckets)
        }
    }

    private static func kinds<A: Accumulator>(_: A.Type, _ spec: AggregateSpec, _ buckets: Int) -> SeriesOps {
        let fn = spec.function, grace = spec.grace, window = spec.window
        switch window {
        case .session(let gap):
            return SeriesOps(SessionSeries<A>.self) { SessionSeries<A>(fn, gap: gap, grace: grace) }
        case .count(let n):
            return SeriesOps(CountSeries<A>.self) { CountSeries<A>(fn, n: n, grace: grace) }
        default:
            let shape = PaneSeries<A>.Shape(fn, window: window, grace: grace, slidingBuckets: buckets)
            return SeriesOps(PaneSeries<A>.self) { PaneSeries<A>(shape) }
        }
    }

    /// The value of an empty window (for keys without state).
    static func emptyValue(_ fn: AggregateFunction, at t: Int64) -> Value {
        func empty<A: Accumulator>(_: A.Type) -> Value { A(fn).result(at: t) }
        switch fn {
        case .count: return empty(CountAcc.self)
        case .sum, .mean: return empty(SumAcc.self)
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
