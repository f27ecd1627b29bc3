import Foundation

/// KLL quantile sketch (Karnin, Lang, Liberty 2016): bounded memory, mergeable, deterministic.
///
/// Level h holds items of weight 2^h; its capacity shrinks geometrically (factor 2/3) below the top level,
/// never under 8, except level 0 (the insert buffer), which always holds k. When the sketch is full, the lowest full level is sorted and every other item (odd or even
/// positions, chosen by a seeded coin) is promoted. Memory is O(k log(n/k)) doubles.
///
/// Error: with k = 200 the normalised rank error of a single query is about 1.3 % at 99 % confidence
/// (≈ 2.3 / k^0.97, the DataSketches bound for KLL). `documentedRankError` returns that bound for `k`.
public struct KLLSketch: Sendable, Equatable, ByteSerializable {
    /// Accuracy parameter (8...65535).
    public let k: Int
    /// Number of values added (including merged ones).
    public private(set) var count: Int = 0
    public private(set) var min: Double = .infinity
    public private(set) var max: Double = -.infinity
    var levels: [[Double]]
    var rng: UInt64
    /// Cached per-level capacities and their sum (recomputed when a level is added).
    private var caps: [Int] = []
    private var totalCap = 0
    /// Number of values currently retained (the memory footprint in doubles).
    public private(set) var retained = 0

    /// - Throws: `invalidParameter` unless 8 <= k <= 65535.
    public init(k: Int = 200, seed: UInt64 = 0x5eed) throws(StatsError) {
        guard (8...65_535).contains(k) else {
            throw StatsError(.invalidParameter, "KLL k must be in 8...65535", context: ["k": "\(k)"])
        }
        self.init(clampedK: k, seed: seed)
    }

    /// Non-throwing initialiser; `k` is clamped into 8...65535.
    public init(clampedK: Int, seed: UInt64 = 0x5eed) {
        let k = Swift.min(Swift.max(clampedK, 8), 65_535)
        self.k = k
        levels = [[]]
        levels[0].reserveCapacity(k)
        rng = seed == 0 ? 0x9e37_79b9_7f4a_7c15 : seed
        recomputeCapacities()
    }

    private mutating func recomputeCapacities() {
        caps = (0..<levels.count).map { capacity(level: $0) }
        totalCap = caps.reduce(0, +)
    }

    /// Normalised single-query rank error bound (99 % confidence) for accuracy parameter `k`.
    public static func documentedRankError(k: Int) -> Double { 2.296 / pow(Double(k), 0.9723) }

    /// Level capacities: k·(2/3)^depth (at least 8); level 0 always holds k so that sorting is amortised over k inserts.
    func capacity(level h: Int) -> Int {
        if h == 0 { return k }
        let depth = levels.count - 1 - h
        return Swift.max(Int((Double(k) * pow(2.0 / 3.0, Double(depth))).rounded(.up)), 8)
    }

    /// Adds one value (NaN is ignored).
    @inline(__always)
    public mutating func add(_ x: Double) {
        if x.isNaN { return }
        count += 1
        if x < min { min = x }
        if x > max { max = x }
        levels[0].append(x)
        retained += 1
        if retained >= totalCap { compressIfNeeded() }
    }

    /// Merges another sketch (any k; this sketch's k is kept).
    public mutating func merge(_ o: KLLSketch) {
        guard o.count > 0 else { return }
        while levels.count < o.levels.count { levels.append([]) }
        recomputeCapacities()
        for h in 0..<o.levels.count {
            levels[h] = h == 0 ? levels[h] + o.levels[h] : Self.mergeSorted(levels[h], o.levels[h])
        }
        retained += o.retained
        count += o.count
        min = Swift.min(min, o.min)
        max = Swift.max(max, o.max)
        compressIfNeeded()
    }

    private mutating func nextBit() -> Int {
        rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
        return Int(rng & 1)
    }

    mutating func compressIfNeeded() {
        while retained >= totalCap {
            guard let h = (0..<levels.count).first(where: { levels[$0].count >= caps[$0] }) else { return }
            compact(level: h)
        }
    }

    /// Promotes every other item of level h (offset chosen by the seeded coin) to level h + 1. Levels >= 1 are
    /// kept sorted (promotions are merged in linearly), so only level 0, the insert buffer, is ever sorted.
    /// An odd leftover stays at level h so the total weight is preserved exactly.
    private mutating func compact(level h: Int) {
        if h + 1 == levels.count { levels.append([]); recomputeCapacities() }
        var cur: [Double] = []
        swap(&cur, &levels[h])
        if h == 0 { cur.withUnsafeMutableBufferPointer { DoubleSort.sort($0) } }
        let pairs = cur.count / 2
        // Keep the leftover at a random end so neither tail is systematically favoured.
        let keepLast = nextBit() == 1
        let leftover: Double? = cur.count % 2 == 1 ? (keepLast ? cur[cur.count - 1] : cur[0]) : nil
        let start = (leftover != nil && !keepLast) ? 1 : 0
        var promoted = [Double]()
        promoted.reserveCapacity(pairs)
        var i = start + nextBit()
        for _ in 0..<pairs { promoted.append(cur[i]); i += 2 }
        levels[h + 1] = Self.mergeSorted(levels[h + 1], promoted)
        retained -= pairs
        cur.removeAll(keepingCapacity: true)
        if let v = leftover { cur.append(v) }
        swap(&cur, &levels[h])
    }

    /// Linear merge of two ascending arrays.
    static func mergeSorted(_ a: [Double], _ b: [Double]) -> [Double] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var out = [Double]()
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if b[j] < a[i] { out.append(b[j]); j += 1 } else { out.append(a[i]); i += 1 }
        }
        if i < a.count { out.append(contentsOf: a[i...]) }
        if j < b.count { out.append(contentsOf: b[j...]) }
        return out
    }

    /// Sorted retained values with cumulative weights, for rank/CDF queries.
    public func weightedView() -> EmpiricalCDF {
        var pairs: [(Double, Double)] = []
        pairs.reserveCapacity(retained)
        for (h, lvl) in levels.enumerated() {
            let w = Double(1 << h)
            for v in lvl { pairs.append((v, w)) }
        }
        return EmpiricalCDF(weighted: pairs)
    }

    /// Approximate fraction of values <= x.
    public func rank(_ x: Double) -> Double { weightedView().cdf(x) }

    /// Approximate q-quantile (0...1): the smallest retained value whose cumulative fraction reaches q.
    public func quantile(_ q: Double) -> Double? { weightedView().quantile(q) }

    static let magic = "KLL1"
    public func serialized() -> [UInt8] {
        var w = ByteWriter(magic: Self.magic, version: 1)
        w.u32(UInt32(k)); w.i64(Int64(count)); w.f64(min); w.f64(max); w.u64(rng)
        w.u32(UInt32(levels.count))
        for l in levels { w.f64s(l) }
        return w.bytes
    }

    public init(serialized bytes: [UInt8]) throws(StatsError) {
        var r = try ByteReader(bytes, magic: Self.magic, supported: 1...1)
        try self.init(k: Int(try r.u32()))
        count = Int(try r.i64()); min = try r.f64(); max = try r.f64(); rng = try r.u64()
        let nl = Int(try r.u32())
        guard nl >= 1, nl <= 64 else { throw StatsError(.corruptEncoding, "KLL level count out of range", context: ["levels": "\(nl)"]) }
        levels = []
        var weight = 0
        for h in 0..<nl {
            var l = try r.f64s()
            if l.contains(where: { $0.isNaN }) { throw StatsError(.corruptEncoding, "KLL level holds NaN") }
            if h > 0 { l.sort() }
            weight += l.count << h
            levels.append(l)
        }
        try r.finish()
        retained = levels.reduce(0) { $0 + $1.count }
        recomputeCapacities()
        guard weight == count else { throw StatsError(.corruptEncoding, "KLL retained weight does not match its count") }
    }
}
