import Foundation

/// Kolmogorov distributions: the limiting form Q(λ), Smirnov's one-sided exact tail, and the two-sided
/// one-sample distribution `kstwo` (Simard & L'Ecuyer's algorithm selection, as scipy implements it).
public enum KolmogorovDistribution {
    /// Q(λ) = 2 Σ_{k>=1} (-1)^{k-1} exp(-2 k² λ²) (`scipy.special.kolmogorov`); uses the Jacobi theta form for λ < 1.
    public static func kolmogorov(_ x: Double) -> Double {
        if x <= 0 { return 1.0 }
        if x >= 1.0 {
            let alpha = -2.0 * x * x
            var sign = 1.0, r = 1.0, p = 0.0, t = 0.0
            repeat {
                t = exp(alpha * r * r)
                p += sign * t
                if t == 0 { break }
                r += 1; sign = -sign
            } while t / p > Double.ulpOfOne
            return 2 * p
        }
        let alpha = -Double.pi * Double.pi / (8 * x * x)
        var r = 1.0, p = 0.0, t = 0.0
        repeat {
            t = exp(alpha * r * r)
            p += t
            if t == 0 { break }
            r += 2
        } while t / p >= Double.ulpOfOne
        p *= (2 * Double.pi).squareRoot() / x
        return 1 - p
    }

    /// Smirnov's exact one-sided tail Pr(D_n^+ >= e) (Birnbaum–Tingey sum; all terms positive).
    public static func smirnov(n: Int, _ e: Double) -> Double {
        guard n > 0, e >= 0, e <= 1 else { return .nan }
        if e == 0 { return 1 }
        let nn = Int((Double(n) * (1 - e)).rounded(.down))
        let dn = Double(n)
        let lgn1 = lnGamma(dn + 1)
        var p = 0.0
        for v in 0...nn {
            let evn = e + Double(v) / dn
            let omevn = 1 - evn
            if abs(omevn) > 0 {
                let t = lgn1 - lnGamma(Double(v + 1)) - lnGamma(Double(n - v + 1))
                    + Double(v - 1) * log(evn) + Double(n - v) * log(omevn)
                if t > -708.0 { p += exp(t) }
            }
        }
        return p * e
    }

    /// Survival function of the two-sided one-sample KS statistic D_n (`scipy.stats.kstwo.sf(x, n)`).
    public static func kstwoSF(n: Int, x: Double) -> Double {
        guard n > 0 else { return .nan }
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let dn = Double(n)
        let t = dn * x
        if t <= 1.0 {
            if t <= 0.5 { return 1 }
            var prob: Double
            if n <= 140 {
                prob = 1
                for i in 1...n { prob *= Double(i) * (1.0 / dn) * (2 * t - 1) }
            } else {
                prob = exp(logNFactorialDivNPowN(dn) + dn * log(2 * t - 1))
            }
            return clip(1 - prob)
        }
        if t >= dn - 1 { return clip(2 * pow(1 - x, dn)) }
        if x >= 0.5 { return clip(2 * smirnov(n: n, x)) }
        let nxx = t * x
        if n <= 140 {
            if nxx <= 0.754693 { return clip(1 - KSOneSampleCDF.durbinMTW(n: n, d: x)) }
            if nxx <= 4 { return clip(1 - KSOneSampleCDF.pomeranz(n: n, x: x)) }
            return clip(2 * smirnov(n: n, x))
        }
        if nxx >= 370 { return 0 }
        if nxx >= 2.2 { return clip(2 * smirnov(n: n, x)) }
        let cdf: Double
        if nxx >= 18 {
            cdf = 1
        } else if n <= 100_000 && dn * pow(x, 1.5) <= 1.4 {
            cdf = KSOneSampleCDF.durbinMTW(n: n, d: x)
        } else {
            cdf = KSOneSampleCDF.pelzGood(n: n, x: x)
        }
        return clip(1 - cdf)
    }

    static func clip(_ p: Double) -> Double { min(max(p, 0), 1) }

    /// log(n! / n^n) via Stirling's series with n log n removed up front.
    static func logNFactorialDivNPowN(_ n: Double) -> Double {
        let coeffs = [-2.955065359477124183e-2, 6.4102564102564102564e-3,
                      -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                      -5.952380952380952381e-4, 7.9365079365079365079e-4,
                      -2.7777777777777777778e-3, 8.3333333333333333333e-2]
        let rn = 1.0 / n
        var poly = 0.0
        for c in coeffs { poly = poly * (rn / n) + c }
        return log(n) / 2 - n + log(2 * Double.pi) / 2 + rn * poly
    }
}
