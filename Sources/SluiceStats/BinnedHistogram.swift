/// Counts over fixed interior edges with right-closed bins, (-inf, e0], (e0, e1], ..., (e_last, +inf):
/// the PSI binning. Memory is O(bins), independent of how many values are added.
public struct BinnedHistogram: Sendable, Equatable, Codable, ByteSerializable {
    /// Ascending interior edges.
    public let edges: [Double]
    /// edges.count + 1 counts.
    public private(set) var counts: [Int]

    public init(edges: [Double]) {
        self.edges = edges
        counts = [Int](repeating: 0, count: edges.count + 1)
    }

    /// Total number of values added.
    public var total: Int { counts.reduce(0, +) }

    /// Adds one value (NaN is ignored: missing values are counted separately by callers).
    @inline(__always)
    public mutating func add(_ x: Double) {
        if x.isNaN { return }
        let i = edges.withUnsafeBufferPointer { Self.bin($0, x) }
        counts[i] += 1
    }

    /// Bin index = number of edges < x. Few edges (the usual 9 deciles): a branchless linear count, which
    /// beats a binary search whose branches mispredict on random data.
    @inline(__always)
    static func bin(_ e: UnsafeBufferPointer<Double>, _ x: Double) -> Int {
        if e.count <= 16 {
            var i = 0
            for edge in e { i &+= Int(unsafeBitCast(edge < x, to: UInt8.self)) }
            return i
        }
        var lo = 0, hi = e.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if e[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Adds a batch of values (NaN ignored).
    public mutating func add(contentsOf xs: [Double]) {
        xs.withUnsafeBufferPointer { add(contentsOf: $0) }
    }

    /// Adds a batch of values from a buffer (NaN ignored).
    public mutating func add(contentsOf xs: UnsafeBufferPointer<Double>) {
        let e = edges
        e.withUnsafeBufferPointer { eb in
            counts.withUnsafeMutableBufferPointer { c in
                for x in xs where !x.isNaN { c[Self.bin(eb, x)] += 1 }
            }
        }
    }

    /// Adds another histogram's counts. - Throws: `invalidParameter` if the edges differ.
    public mutating func merge(_ o: BinnedHistogram) throws(StatsError) {
        guard o.edges == edges else { throw StatsError(.invalidParameter, "cannot merge histograms with different edges") }
        for i in 0..<counts.count { counts[i] += o.counts[i] }
    }

    public mutating func reset() { for i in 0..<counts.count { counts[i] = 0 } }

    /// PSI of this (current) histogram against reference counts on the same edges.
    public func psi(reference: [Int], epsilon: Double = PSI.defaultEpsilon) -> Double {
        PSI.fromCounts(reference: reference, current: counts, epsilon: epsilon).value
    }

    /// Jensen–Shannon on the PSI bins (note: the batch numeric JS uses 20 equal-width bins instead).
    public func jensenShannon(reference: [Int]) -> JensenShannon.Result {
        JensenShannon.fromCounts(reference, counts)
    }

    /// Chi-square contingency test of reference vs these counts (empty bins in both are dropped).
    public func chiSquare(reference: [Int]) throws(StatsError) -> ChiSquare.Result {
        let keep = (0..<counts.count).filter { reference[$0] + counts[$0] > 0 }
        return try ChiSquare.contingency(reference: keep.map { reference[$0] }, current: keep.map { counts[$0] })
    }

    static let magic = "BHST"
    public func serialized() -> [UInt8] {
        var w = ByteWriter(magic: Self.magic, version: 1)
        w.f64s(edges)
        w.u64(UInt64(counts.count))
        for c in counts { w.i64(Int64(c)) }
        return w.bytes
    }

    public init(serialized bytes: [UInt8]) throws(StatsError) {
        var r = try ByteReader(bytes, magic: Self.magic, supported: 1...1)
        self.init(edges: try r.f64s())
        let n = try r.count(elementSize: 8)
        guard n == edges.count + 1 else { throw StatsError(.corruptEncoding, "histogram bin count does not match its edges") }
        for i in 0..<n { counts[i] = Int(try r.i64()) }
        try r.finish()
    }
}
