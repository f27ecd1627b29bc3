import Foundation

/// Jensen–Shannon distance and divergence (`scipy.spatial.distance.jensenshannon`).
/// Numeric samples use 20 equal-width bins over the pooled [min, max] (numpy.histogram semantics).
public enum JensenShannon {
    /// Default number of equal-width bins for numeric samples.
    public static let defaultBins = 20

    /// Distances and divergence in both bases.
    public struct Result: Sendable, Equatable {
        /// sqrt(JSD) with log base 2 (in [0, 1]).
        public var distanceBase2: Double
        /// JSD with log base 2 (= distanceBase2²).
        public var divergenceBase2: Double
        /// sqrt(JSD) with natural log.
        public var distanceBaseE: Double
    }

    /// JS from two count (or weight) vectors in the same bin order.
    public static func fromCounts<C: BinaryInteger>(_ a: [C], _ b: [C]) -> Result {
        fromWeights(a.map { Double($0) }, b.map { Double($0) })
    }

    /// JS from two non-negative weight vectors (each normalised to sum 1).
    public static func fromWeights(_ a: [Double], _ b: [Double]) -> Result {
        precondition(a.count == b.count, "vectors must have equal length")
        let sa = a.reduce(0, +), sb = b.reduce(0, +)
        var tot = 0.0
        for i in 0..<a.count {
            let p = sa > 0 ? a[i] / sa : 0, q = sb > 0 ? b[i] / sb : 0
            let m = (p + q) / 2
            if p > 0 { tot += p * log(p / m) }
            if q > 0 { tot += q * log(q / m) }
        }
        let jsE = max(tot / 2, 0)
        let js2 = max(tot / log(2.0) / 2, 0)
        let d2 = js2.squareRoot()
        return Result(distanceBase2: d2, divergenceBase2: d2 * d2, distanceBaseE: jsE.squareRoot())
    }

    /// numpy.linspace(lo, hi, bins + 1): k * ((hi - lo) / bins) + lo, with the last edge exactly hi.
    public static func equalWidthEdges(lo: Double, hi: Double, bins: Int = defaultBins) -> [Double] {
        if hi <= lo { return [lo, hi] }
        let step = (hi - lo) / Double(bins)
        var e = (0...bins).map { Double($0) * step + lo }
        e[bins] = hi
        return e
    }

    /// numpy.histogram counts on `edges` (bins [e_k, e_{k+1}), last bin closed). Values outside are ignored.
    public static func histogram(_ values: [Double], edges: [Double]) -> [Int] {
        let bins = edges.count - 1
        var counts = [Int](repeating: 0, count: max(bins, 1))
        guard bins >= 1, let lo = edges.first, let hi = edges.last else { return counts }
        for x in values where x >= lo && x <= hi {
            let i = min(Quantile.countLessOrEqual(edges, x) - 1, bins - 1)
            counts[max(i, 0)] += 1
        }
        return counts
    }

    /// JS of two numeric samples on `bins` equal-width bins over the pooled range (single bin if constant).
    public static func numeric(reference: [Double], current: [Double], bins: Int = defaultBins) throws(StatsError) -> Result {
        guard let rmin = reference.min(), let rmax = reference.max(), let cmin = current.min(), let cmax = current.max() else {
            throw StatsError(.emptySample, "Jensen–Shannon needs non-empty samples")
        }
        let lo = min(rmin, cmin), hi = max(rmax, cmax)
        if !(hi > lo) { return fromCounts([reference.count], [current.count]) }
        let edges = equalWidthEdges(lo: lo, hi: hi, bins: bins)
        return fromCounts(histogram(reference, edges: edges), histogram(current, edges: edges))
    }

    /// JS over the categories of the sorted union.
    public static func categorical(reference: [String], current: [String]) -> Result {
        let t = CategoryTable(reference: reference, current: current)
        return fromCounts(t.refCounts, t.curCounts)
    }
}
