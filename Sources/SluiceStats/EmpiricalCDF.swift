/// A step CDF over sorted distinct values with cumulative fractions; built from a sample or a sketch.
/// Supports KS and Wasserstein-1 between any two (exact when both come from full samples).
public struct EmpiricalCDF: Sendable, Equatable {
    /// Distinct values, ascending.
    public private(set) var values: [Double]
    /// cumulative[i] = fraction of weight at values <= values[i]; the last is 1.
    public private(set) var cumulative: [Double]
    /// Total weight (the sample size for unit weights).
    public private(set) var total: Double

    /// From an ascending-sorted sample with unit weights.
    public init(sorted s: [Double]) {
        values = []; cumulative = []; total = Double(s.count)
        values.reserveCapacity(s.count); cumulative.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            var j = i
            while j < s.count && s[j] == s[i] { j += 1 }
            values.append(s[i]); cumulative.append(Double(j) / total)
            i = j
        }
    }

    /// From (value, weight) pairs in any order.
    public init(weighted pairs: [(Double, Double)]) {
        let p = pairs.sorted { $0.0 < $1.0 }
        values = []; cumulative = []
        total = p.reduce(0) { $0 + $1.1 }
        var acc = 0.0, i = 0
        while i < p.count {
            let v = p[i].0
            while i < p.count && p[i].0 == v { acc += p[i].1; i += 1 }
            values.append(v); cumulative.append(total > 0 ? acc / total : 0)
        }
    }

    /// F(x) = fraction <= x.
    public func cdf(_ x: Double) -> Double {
        let i = Quantile.countLessOrEqual(values, x)
        return i == 0 ? 0 : cumulative[i - 1]
    }

    /// Smallest value with F(value) >= q.
    public func quantile(_ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        var lo = 0, hi = values.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] >= q { hi = mid } else { lo = mid + 1 }
        }
        return values[lo]
    }

    /// Walks the pooled support in order, calling `body(x, F_self(x), F_other(x))` at each distinct value.
    private func walk(_ o: EmpiricalCDF, _ body: (Double, Double, Double) -> Void) {
        var i = 0, j = 0
        var fa = 0.0, fb = 0.0
        while i < values.count || j < o.values.count {
            let x = (j >= o.values.count || (i < values.count && values[i] <= o.values[j])) ? values[i] : o.values[j]
            if i < values.count && values[i] == x { fa = cumulative[i]; i += 1 }
            if j < o.values.count && o.values[j] == x { fb = o.cumulative[j]; j += 1 }
            body(x, fa, fb)
        }
    }

    /// max |F_self - F_other| over the pooled support (the two-sample KS statistic D).
    public func ksStatistic(_ o: EmpiricalCDF) -> Double {
        var d = 0.0
        walk(o) { _, a, b in d = Swift.max(d, abs(a - b)) }
        return d
    }

    /// ∫ |F_self - F_other| dx (Wasserstein-1).
    public func wasserstein(_ o: EmpiricalCDF) -> Double {
        var prev = Double.nan, pa = 0.0, pb = 0.0, total = 0.0
        walk(o) { x, a, b in
            if !prev.isNaN { total += abs(pa - pb) * (x - prev) }
            prev = x; pa = a; pb = b
        }
        return total
    }
}
