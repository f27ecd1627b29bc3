import Foundation

/// Exact two-sample KS tail probabilities, ported from scipy's `_stats_py.py` / `_stats_pythran.py`.
enum KSExact {
    /// scipy `_attempt_exact_2kssamp` for the two-sided alternative.
    static func attempt(n1: Int, n2: Int, d: Double) -> (success: Bool, d: Double, p: Double) {
        let g = KolmogorovSmirnov.gcd(n1, n2)
        let lcm = (n1 / g) * n2
        let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
        let dd = Double(h) * 1.0 / Double(lcm)
        if h == 0 { return (true, dd, 1.0) }
        let p = n1 == n2 ? probOutsideSquare(n: n1, h: h) : outerProbInsideMethod(m: n1, n: n2, g: g, h: h)
        guard p.isFinite, p >= 0, p <= 1 else { return (false, dd, p) }
        return (true, dd, p)
    }

    /// Pr(D_{n,n} >= h/n): Horner-like evaluation of the alternating binomial series.
    static func probOutsideSquare(n: Int, h: Int) -> Double {
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h {
                p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
            }
            p = p1 * (1.0 - p)
            k -= 1
        }
        return 2 * p
    }

    /// Proportion of lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm,
    /// computed directly as 1 - p (Viehmann's recursion), one sliding column at a time.
    static func outerProbInsideMethod(m m0: Int, n n0: Int, g: Int, h: Int) -> Double {
        let (m, n) = m0 < n0 ? (n0, m0) : (m0, n0)
        let mg = m / g, ng = n / g
        var minj = 0
        var maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var a = [Double](repeating: 1.0, count: lenA)
        for j in minj..<maxj { a[j] = 0.0 }
        for i in 1...m {
            let lastminj = minj, lastlen = curlen
            minj = max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
            minj = min(minj, n)
            maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
            if maxj <= minj { return 1.0 }
            var val = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                val = (a[jj + minj - lastminj] * Double(i) + val * Double(j)) / Double(i + j)
                a[jj] = val
            }
            curlen = maxj - minj
            if lastlen > curlen {
                let start = maxj - minj
                if start < lenA { for t in start..<min(start + lastlen - curlen, lenA) { a[t] = 1 } }
            }
        }
        return a[maxj - minj - 1]
    }
}
