import Foundation

/// Chi-square tests on category (or bin) counts, following scipy.
public enum ChiSquare {
    /// A chi-square statistic, its degrees of freedom and p-value (`chi2.sf`).
    public struct Result: Sendable, Equatable {
        public var statistic: Double
        public var dof: Int
        public var pValue: Double
        /// Expected frequencies (row-major for the 2 × K contingency table).
        public var expected: [Double]
    }

    /// `scipy.stats.chi2_contingency([ref, cur], correction:)` on a 2 × K table.
    /// With `yates` and dof == 1, each observed count moves toward its expectation by min(0.5, |E - O|).
    public static func contingency(reference rc: [Int], current cc: [Int], yates: Bool = false) throws(StatsError) -> Result {
        guard rc.count == cc.count else {
            throw StatsError(.lengthMismatch, "reference and current count vectors differ in length",
                             context: ["ref": "\(rc.count)", "cur": "\(cc.count)"])
        }
        let k = rc.count
        let r0 = Double(rc.reduce(0, +)), r1 = Double(cc.reduce(0, +))
        let grand = r0 + r1
        guard grand > 0 else { throw StatsError(.emptySample, "contingency table is empty") }
        var expected = [Double](repeating: 0, count: 2 * k)
        var observed = [Double](repeating: 0, count: 2 * k)
        for j in 0..<k {
            let col = Double(rc[j] + cc[j])
            expected[j] = r0 * col / grand
            expected[k + j] = r1 * col / grand
            observed[j] = Double(rc[j])
            observed[k + j] = Double(cc[j])
        }
        let dof = k - 1
        if dof == 0 { return Result(statistic: 0, dof: 0, pValue: 1, expected: expected) }
        if expected.contains(where: { $0 == 0 }) {
            throw StatsError(.invalidParameter, "a category has zero total count; drop it before the test")
        }
        if yates && dof == 1 {
            for i in 0..<observed.count {
                let diff = expected[i] - observed[i]
                let mag = min(0.5, abs(diff))
                observed[i] += diff > 0 ? mag : (diff < 0 ? -mag : 0)
            }
        }
        let stat = pearson(observed, expected)
        return Result(statistic: stat, dof: dof, pValue: IncompleteGamma.chiSquareSF(stat, dof: dof), expected: expected)
    }

    /// `scipy.stats.chisquare(f_obs: cur, f_exp: n_cur * ref / n_ref)`; `nil` when a reference count is 0.
    public static func goodnessOfFit(reference rc: [Int], current cc: [Int]) -> Result? {
        guard rc.count == cc.count, !rc.isEmpty, rc.allSatisfy({ $0 > 0 }) else { return nil }
        let nr = Double(rc.reduce(0, +)), nc = Double(cc.reduce(0, +))
        let fexp = rc.map { nc * Double($0) / nr }
        return gof(observed: cc.map(Double.init), expected: fexp)
    }

    /// Goodness of fit against Laplace (add-one) smoothed reference frequencies:
    /// f_exp_k = n_cur * (ref_k + 1) / (n_ref + K). Always defined.
    public static func goodnessOfFitLaplace(reference rc: [Int], current cc: [Int]) -> Result? {
        guard rc.count == cc.count, !rc.isEmpty else { return nil }
        let nr = Double(rc.reduce(0, +)), nc = Double(cc.reduce(0, +))
        let k = Double(rc.count)
        let fexp = rc.map { nc * (Double($0) + 1) / (nr + k) }
        return gof(observed: cc.map(Double.init), expected: fexp)
    }

    private static func gof(observed: [Double], expected: [Double]) -> Result {
        let stat = pearson(observed, expected)
        let dof = observed.count - 1
        let p = dof == 0 ? 1.0 : IncompleteGamma.chiSquareSF(stat, dof: dof)
        return Result(statistic: stat, dof: dof, pValue: p, expected: expected)
    }

    private static func pearson(_ o: [Double], _ e: [Double]) -> Double {
        var s = 0.0
        for i in 0..<o.count {
            let d = o[i] - e[i]
            s += d * d / e[i]
        }
        return s
    }
}

/// Two-proportion z-test (pooled), e.g. for a change in missing rate.
public enum ProportionZTest {
    /// z statistic and two-sided p-value.
    public struct Result: Sendable, Equatable {
        public var z: Double
        public var pValue: Double
        public var referenceRate: Double
        public var currentRate: Double
    }

    /// Tests H0: p_ref == p_cur with x successes of n in each sample. Degenerate pooled rates (0 or 1) give z = 0, p = 1.
    public static func test(referenceCount x1: Int, referenceTotal n1: Int, currentCount x2: Int, currentTotal n2: Int) throws(StatsError) -> Result {
        guard n1 > 0, n2 > 0 else { throw StatsError(.emptySample, "z-test needs two non-empty samples") }
        let p1 = Double(x1) / Double(n1), p2 = Double(x2) / Double(n2)
        let pooled = Double(x1 + x2) / Double(n1 + n2)
        let se = (pooled * (1 - pooled) * (1 / Double(n1) + 1 / Double(n2))).squareRoot()
        guard se > 0 else { return Result(z: 0, pValue: 1, referenceRate: p1, currentRate: p2) }
        let z = (p2 - p1) / se
        return Result(z: z, pValue: erfc(abs(z) / 2.0.squareRoot()), referenceRate: p1, currentRate: p2)
    }
}
