import Foundation

/// 1-D Wasserstein-1 distance between empirical distributions (`scipy.stats.wasserstein_distance`).
public enum Wasserstein {
    /// ∫ |F_ref - F_cur| dx over the pooled sorted support.
    public static func distance(reference: [Double], current: [Double]) throws(StatsError) -> Double {
        guard !reference.isEmpty, !current.isEmpty else {
            throw StatsError(.emptySample, "Wasserstein distance needs non-empty samples")
        }
        return distance(sortedReference: reference.sorted(), sortedCurrent: current.sorted())
    }

    /// W1 of two ascending-sorted samples, by a linear merge.
    public static func distance(sortedReference u: [Double], sortedCurrent v: [Double]) -> Double {
        let nu = Double(u.count), nv = Double(v.count)
        var i = 0, j = 0, total = 0.0
        var prev = min(u[0], v[0])
        // Walk pooled values in order; between consecutive distinct values the ECDFs are constant.
        while i < u.count || j < v.count {
            let x: Double
            if j >= v.count || (i < u.count && u[i] <= v[j]) { x = u[i] } else { x = v[j] }
            if x > prev {
                total += abs(Double(i) / nu - Double(j) / nv) * (x - prev)
                prev = x
            }
            while i < u.count && u[i] == x { i += 1 }
            while j < v.count && v[j] == x { j += 1 }
        }
        return total
    }

    /// W1 normalised by the reference scale: `w / max(referenceStd, floor)`. The floor avoids division by 0
    /// for constant references (Evidently's convention uses 0.001).
    public static func normalised(_ w: Double, referenceStd: Double, floor: Double = 0.001) -> Double {
        w / max(referenceStd, floor)
    }
}
