import Foundation

/// Exponentially decayed sum and mean: a value observed `dt` time units ago weighs 2^(-dt / halfLife).
///
/// Time is any monotone clock in the same unit as `halfLife` (e.g. milliseconds). Late values (before the
/// latest time seen) are added with their decayed weight, so the result does not depend on arrival order.
public struct DecayedSum: Sendable, Equatable, ByteSerializable {
    public let halfLife: Double
    /// Decayed Σ x, as of `time`.
    public private(set) var sum: Double = 0
    /// Decayed Σ 1, as of `time`.
    public private(set) var weight: Double = 0
    /// Latest time seen (the reference time of `sum` and `weight`).
    public private(set) var time: Double = -.infinity

    public init(halfLife: Double) throws(StatsError) {
        guard halfLife > 0, halfLife.isFinite else {
            throw StatsError(.invalidParameter, "halfLife must be a positive finite number", context: ["halfLife": "\(halfLife)"])
        }
        self.halfLife = halfLife
    }

    public mutating func add(_ x: Double, at t: Double) {
        if t >= time {
            decay(to: t)
            sum += x; weight += 1
        } else {
            let f = exp2(-(time - t) / halfLife)
            sum += x * f; weight += f
        }
    }

    /// Moves the reference time forward (no-op for earlier times).
    public mutating func decay(to t: Double) {
        guard t > time else { return }
        if time.isFinite {
            let f = exp2(-(t - time) / halfLife)
            sum *= f; weight *= f
        }
        time = t
    }

    /// Decayed sum as of time `t` (>= `time`), without mutating.
    public func sum(at t: Double) -> Double { var c = self; c.decay(to: t); return c.sum }
    /// Decayed mean Σ w x / Σ w (nil when nothing was added).
    public var mean: Double? { weight > 0 ? sum / weight : nil }

    /// Merges another accumulator with the same half-life (aligned to the later time).
    public mutating func merge(_ o: DecayedSum) throws(StatsError) {
        guard o.halfLife == halfLife else {
            throw StatsError(.invalidParameter, "cannot merge decayed sums with different half-lives")
        }
        guard o.time.isFinite else { return }
        guard time.isFinite else { self = o; return }
        var other = o
        let t = Swift.max(time, o.time)
        decay(to: t); other.decay(to: t)
        sum += other.sum; weight += other.weight
    }

    static let magic = "DSUM"
    public func serialized() -> [UInt8] {
        var w = ByteWriter(magic: Self.magic, version: 1)
        w.f64(halfLife); w.f64(sum); w.f64(weight); w.f64(time)
        return w.bytes
    }

    public init(serialized bytes: [UInt8]) throws(StatsError) {
        var r = try ByteReader(bytes, magic: Self.magic, supported: 1...1)
        try self.init(halfLife: try r.f64())
        sum = try r.f64(); weight = try r.f64(); time = try r.f64()
        try r.finish()
    }
}
