/// Running count, mean, variance, min and max (Welford), mergeable (Chan et al.).
///
/// ```swift
/// var w = Welford()
/// for x in values { w.add(x) }
/// w.sampleVariance
/// ```
public struct Welford: Sendable, Equatable, ByteSerializable {
    public private(set) var count: Int = 0
    public private(set) var mean: Double = 0
    /// Sum of squared deviations from the mean.
    public private(set) var m2: Double = 0
    public private(set) var min: Double = .infinity
    public private(set) var max: Double = -.infinity

    public init() {}

    public mutating func add(_ x: Double) {
        count += 1
        let d = x - mean
        mean += d / Double(count)
        m2 += d * (x - mean)
        if x < min { min = x }
        if x > max { max = x }
    }

    /// Combines another accumulator as if its values had been added here.
    public mutating func merge(_ o: Welford) {
        guard o.count > 0 else { return }
        guard count > 0 else { self = o; return }
        let n = Double(count + o.count)
        let d = o.mean - mean
        mean += d * Double(o.count) / n
        m2 += o.m2 + d * d * Double(count) * Double(o.count) / n
        count += o.count
        min = Swift.min(min, o.min)
        max = Swift.max(max, o.max)
    }

    /// m2 / n (0 when empty).
    public var populationVariance: Double { count > 0 ? m2 / Double(count) : 0 }
    /// m2 / (n - 1) (0 when n < 2).
    public var sampleVariance: Double { count > 1 ? m2 / Double(count - 1) : 0 }
    public var populationStd: Double { populationVariance.squareRoot() }
    public var sampleStd: Double { sampleVariance.squareRoot() }

    static let magic = "WELF"
    public func serialized() -> [UInt8] {
        var w = ByteWriter(magic: Self.magic, version: 1)
        w.i64(Int64(count)); w.f64(mean); w.f64(m2); w.f64(min); w.f64(max)
        return w.bytes
    }

    public init(serialized bytes: [UInt8]) throws(StatsError) {
        var r = try ByteReader(bytes, magic: Self.magic, supported: 1...1)
        count = Int(try r.i64()); mean = try r.f64(); m2 = try r.f64(); min = try r.f64(); max = try r.f64()
        try r.finish()
        guard count >= 0 else { throw StatsError(.corruptEncoding, "negative Welford count") }
    }
}
