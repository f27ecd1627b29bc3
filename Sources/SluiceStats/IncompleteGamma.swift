import Foundation

/// Regularized incomplete gamma functions, for chi-square p-values.
public enum IncompleteGamma {
    /// Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). `chi2.sf(x, k) = Q(k/2, x/2)`.
    ///
    /// Series for P when x < a + 1 (Q = 1 - P), Lentz continued fraction otherwise; both to machine precision.
    public static func upperQ(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x.isFinite || x == .infinity, !x.isNaN else { return .nan }
        if x <= 0 { return 1 }
        if x == .infinity { return 0 }
        if x < a + 1 { return 1 - seriesP(a, x) }
        return continuedFractionQ(a, x)
    }

    /// Regularized lower incomplete gamma P(a, x) = 1 - Q(a, x).
    public static func lowerP(_ a: Double, _ x: Double) -> Double {
        guard a > 0, !x.isNaN else { return .nan }
        if x <= 0 { return 0 }
        if x == .infinity { return 1 }
        if x < a + 1 { return seriesP(a, x) }
        return 1 - continuedFractionQ(a, x)
    }

    /// exp(a ln x - x - lnΓ(a)), the common prefactor.
    private static func prefactor(_ a: Double, _ x: Double) -> Double {
        exp(a * log(x) - x - lnGamma(a))
    }

    private static func seriesP(_ a: Double, _ x: Double) -> Double {
        var ap = a, sum = 1.0 / a, del = sum
        for _ in 0..<10_000 {
            ap += 1
            del *= x / ap
            sum += del
            if abs(del) < abs(sum) * 1e-17 { break }
        }
        return sum * prefactor(a, x)
    }

    private static func continuedFractionQ(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        var i = 1.0
        while i < 10_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < 1e-17 { break }
            i += 1
        }
        return prefactor(a, x) * h
    }

    /// Chi-square survival function with `dof` degrees of freedom.
    public static func chiSquareSF(_ statistic: Double, dof: Int) -> Double {
        if dof <= 0 { return .nan }
        return upperQ(Double(dof) / 2, statistic / 2)
    }
}

/// ln Γ(x) (glibc's correctly-behaved lgamma; the typed binding avoids the overload that returns the sign).
@inline(__always)
func lnGamma(_ x: Double) -> Double {
    let r: Double = lgamma(x)
    return r
}
