import Foundation

/// Two-sample Kolmogorov–Smirnov test, two-sided, following `scipy.stats.ks_2samp`.
public enum KolmogorovSmirnov {
    /// How the p-value is obtained.
    public enum Method: String, Sendable, Codable {
        /// `exact` when max(n1, n2) <= 10 000, else `asymp` (scipy's rule); exact falls back to asymp on failure.
        case auto
        /// Exact lattice-path probability (scipy's `_compute_outer_prob_inside_method` / `_compute_prob_outside_square`).
        case exact
        /// `kstwo.sf(D, round(n1*n2/(n1+n2)))`.
        case asymp
    }

    /// The KS statistic and where it is reached.
    public struct Statistic: Sendable, Equatable {
        /// D = max |F_ref - F_cur| over the pooled sample values.
        public var d: Double
        /// The pooled value where D is first reached (in the order concat(sorted(ref), sorted(cur))).
        public var location: Double
        /// +1 if D = max(F_ref - F_cur), -1 if D = max(F_cur - F_ref); +1 on a tie.
        public var sign: Int
    }

    /// A full test result.
    public struct Result: Sendable, Equatable {
        /// The statistic as the chosen method reports it (exact snaps D to h / lcm(n1, n2)).
        public var statistic: Double
        /// The raw max |ECDF difference|.
        public var rawStatistic: Double
        public var location: Double
        public var sign: Int
        public var pValue: Double
        /// The method that produced `pValue` (`exact` or `asymp`; never `auto`).
        public var methodUsed: Method
    }

    /// Largest sample size for which `auto` attempts the exact p-value.
    public static let maxAutoExactN = 10_000

    /// D, location and sign for two ascending-sorted, non-empty samples.
    public static func statistic(sortedReference a: [Double], sortedCurrent b: [Double]) -> Statistic {
        let n1 = Double(a.count), n2 = Double(b.count)
        var maxS = -Double.infinity, minDiff = Double.infinity
        var locMax = 0.0, locMin = 0.0
        func visit(_ v: Double) {
            let diff = Double(Quantile.countLessOrEqual(a, v)) / n1 - Double(Quantile.countLessOrEqual(b, v)) / n2
            if diff > maxS { maxS = diff; locMax = v }
            if diff < minDiff { minDiff = diff; locMin = v }
        }
        for v in a { visit(v) }
        for v in b { visit(v) }
        let minS = min(max(-minDiff, 0), 1)
        if minS > maxS { return Statistic(d: minS, location: locMin, sign: -1) }
        return Statistic(d: maxS, location: locMax, sign: 1)
    }

    /// `ks_2samp(reference, current, method:)`, two-sided.
    public static func test(reference: [Double], current: [Double], method: Method = .auto) throws(StatsError) -> Result {
        guard !reference.isEmpty, !current.isEmpty else {
            throw StatsError(.emptySample, "ks_2samp needs non-empty samples", context: ["n_ref": "\(reference.count)", "n_cur": "\(current.count)"])
        }
        let a = reference.sorted(), b = current.sorted()
        let s = statistic(sortedReference: a, sortedCurrent: b)
        let (p, d, used) = pValue(d: s.d, n1: a.count, n2: b.count, method: method)
        return Result(statistic: d, rawStatistic: s.d, location: s.location, sign: s.sign, pValue: p, methodUsed: used)
    }

    /// The two-sided p-value for a statistic `d` with sample sizes n1, n2.
    /// - Returns: the p-value (clipped to [0, 1]), the statistic as reported by that method, and the method used.
    public static func pValue(d: Double, n1: Int, n2: Int, method: Method = .auto) -> (p: Double, statistic: Double, method: Method) {
        var mode = method
        var dd = d
        if mode == .auto { mode = max(n1, n2) <= maxAutoExactN ? .exact : .asymp }
        if mode == .exact {
            let g = gcd(n1, n2)
            if n1 / g >= Int(Int32.max) / (n2 / g) { mode = .asymp }
        }
        if mode == .exact {
            let exact = KSExact.attempt(n1: n1, n2: n2, d: d)
            dd = exact.d
            if exact.success { return (min(max(exact.p, 0), 1), dd, .exact) }
            mode = .asymp
        }
        let (m, n) = (Double(max(n1, n2)), Double(min(n1, n2)))
        let en = m * n / (m + n)
        let p = KolmogorovDistribution.kstwoSF(n: Int(en.rounded(.toNearestOrEven)), x: dd)
        return (min(max(p, 0), 1), dd, .asymp)
    }

    /// `scipy.special.kolmogorov(sqrt(en) * d)` with en = n1*n2/(n1+n2): the Kolmogorov limiting distribution.
    public static func kolmogorovLimitPValue(d: Double, n1: Int, n2: Int) -> Double {
        let en = Double(n1) * Double(n2) / Double(n1 + n2)
        return KolmogorovDistribution.kolmogorov(en.squareRoot() * d)
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}
