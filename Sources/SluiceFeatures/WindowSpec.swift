/// Which events of a key an aggregate covers. All durations are milliseconds.
///
/// Time windows are half-open `[start, end)`. Windows never contain events of another key.
public enum WindowSpec: Sendable, Hashable, CustomStringConvertible {
    /// Fixed, non-overlapping windows `[k·size, (k+1)·size)` aligned to the epoch.
    case tumbling(size: Int64)
    /// Overlapping windows of length `size` starting every `every` ms (`[k·every, k·every + size)`).
    case hopping(size: Int64, every: Int64)
    /// "The last D": for an event at `t`, the events with time in `(t − D, t]`, i.e. `[t − D + 1, t]`.
    case sliding(Int64)
    /// Sessions: events closer than `gap` belong together; a session covers `[first, last + gap)`.
    case session(gap: Int64)
    /// The last `n` events of the key (by event time) up to the current one.
    case count(Int)
    /// All events of the key ever seen (bounded only by key TTL eviction).
    case unbounded

    public var description: String {
        switch self {
        case .tumbling(let s): "tumbling(\(s)ms)"
        case .hopping(let s, let e): "hopping(\(s)ms every \(e)ms)"
        case .sliding(let d): "sliding(\(d)ms)"
        case .session(let g): "session(gap \(g)ms)"
        case .count(let n): "count(\(n))"
        case .unbounded: "unbounded"
        }
    }

    /// Whether windows of this kind close and can be emitted `on_close`.
    public var closes: Bool {
        switch self {
        case .tumbling, .hopping, .session: true
        case .sliding, .count, .unbounded: false
        }
    }

    func validate(aggregate: String) throws(FeatureError) {
        func bad(_ m: String) -> FeatureError {
            FeatureError(.invalidConfiguration, m, context: ["aggregate": aggregate, "window": description])
        }
        switch self {
        case .tumbling(let s): if s <= 0 { throw bad("a tumbling window needs a positive size") }
        case .hopping(let s, let e):
            if s <= 0 || e <= 0 { throw bad("a hopping window needs a positive size and step") }
            if e > s { throw bad("a hopping window's step must not exceed its size (events would fall in no window)") }
        case .sliding(let d): if d <= 0 { throw bad("a sliding window needs a positive duration") }
        case .session(let g): if g <= 0 { throw bad("a session window needs a positive gap") }
        case .count(let n): if n <= 0 { throw bad("a count window needs a positive number of events") }
        case .unbounded: break
        }
    }

    /// How much event time one window spans after its first event (used to check key TTLs).
    var span: Int64 {
        switch self {
        case .tumbling(let s), .hopping(let s, _): s
        case .sliding(let d): d
        case .session(let g): g
        case .count, .unbounded: 0
        }
    }
}

/// Lateness rules shared by all window kinds (see docs/features.md, "Closedness and lateness").
enum Lateness {
    /// Per-event windows (sliding, count, unbounded, session): the event's own window `[.., t + 1)`
    /// closes when `watermark ≥ t + 1 + grace`.
    @inline(__always)
    static func perEvent(t: Int64, grace: Int64, watermark: Int64) -> Bool {
        watermark >= TimeMath.add(TimeMath.add(t, 1), grace)
    }

    /// Start of the earliest-ending aligned window that contains `t` (the smallest multiple of `every`
    /// greater than `t − size`).
    @inline(__always)
    static func firstWindowStart(t: Int64, size: Int64, every: Int64) -> Int64 {
        TimeMath.add(TimeMath.floorTo(TimeMath.sub(t, size), every), every)
    }
}
