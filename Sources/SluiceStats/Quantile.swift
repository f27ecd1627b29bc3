/// Quantiles and PSI bin edges computed exactly as numpy 2.x does.
public enum Quantile {
    /// `numpy.quantile(sorted, q, method: "linear")` on an ascending-sorted, non-empty sample.
    ///
    /// Uses numpy's `_lerp` rule (interpolate from the upper point when g >= 0.5) so results are bit-identical.
    public static func linear(sorted s: [Double], _ q: Double) -> Double {
        let n = s.count
        precondition(n > 0, "quantile of an empty sample")
        let h = Double(n - 1) * q
        if h >= Double(n - 1) { return s[n - 1] }
        let lo = Int(h.rounded(.down))
        let g = h - Double(lo)
        let a = s[lo], b = s[lo + 1]
        let d = b - a
        return g >= 0.5 ? b - d * (1 - g) : a + d * g
    }

    /// PSI edges: unique, sorted `quantile(ref, k/bins)` for k = 1..bins-1 (numpy 'linear').
    public static func psiEdges(sorted s: [Double], bins: Int = 10) -> [Double] {
        guard !s.isEmpty, bins > 1 else { return [] }
        var edges: [Double] = []
        edges.reserveCapacity(bins - 1)
        for k in 1..<bins {
            edges.append(linear(sorted: s, Double(k) / Double(bins)))
        }
        edges.sort()
        var unique: [Double] = []
        unique.reserveCapacity(edges.count)
        for e in edges where unique.last != e { unique.append(e) }
        return unique
    }

    /// Number of elements of ascending `edges` strictly less than `x` (`searchsorted(side: left)`).
    /// For PSI this is the index of the right-closed bin holding x.
    @inline(__always)
    public static func countLess(_ edges: [Double], _ x: Double) -> Int {
        var lo = 0, hi = edges.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if edges[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Number of elements of ascending `values` less than or equal to `x` (`searchsorted(side: right)`).
    @inline(__always)
    public static func countLessOrEqual(_ values: [Double], _ x: Double) -> Int {
        var lo = 0, hi = values.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if values[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
