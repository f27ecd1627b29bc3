import Foundation
import Testing
import SluiceStats

@Suite("Batch numeric statistics match scipy/numpy fixtures")
struct BatchNumericParityTests {
    static let columns = Fixtures.batchColumns(kind: "numeric")

    @Test("fixture columns are found")
    func fixturesPresent() {
        #expect(Self.columns.count == 8)
    }

    @Test("KS statistic, location, sign and every p-value", arguments: columns)
    func ks(_ col: BatchColumn) throws {
        let e = sub(col.expected, "ks_2samp")
        let r = try KolmogorovSmirnov.test(reference: col.refNumeric, current: col.curNumeric)
        #expect(close(r.statistic, e["statistic"]))
        #expect(close(r.rawStatistic, e["statistic_raw_max_abs_ecdf_diff"]))
        #expect(r.location == num(e["statistic_location"]))
        #expect(r.sign == Int(num(e["statistic_sign"]) ?? 0))
        #expect(r.methodUsed == .exact)
        #expect(close(r.pValue, e["pvalue_auto"], atol: 1e-12))
        let exact = try KolmogorovSmirnov.test(reference: col.refNumeric, current: col.curNumeric, method: .exact)
        #expect(close(exact.pValue, e["pvalue_exact"], atol: 1e-12))
        #expect(close(exact.statistic, e["statistic_exact_method"]))
        let asymp = try KolmogorovSmirnov.test(reference: col.refNumeric, current: col.curNumeric, method: .asymp)
        #expect(close(asymp.pValue, e["pvalue_asymp"], atol: 1e-12), "asymp \(asymp.pValue) vs \(e["pvalue_asymp"] ?? "-")")
        let lim = KolmogorovSmirnov.kolmogorovLimitPValue(d: r.rawStatistic, n1: col.refNumeric.count, n2: col.curNumeric.count)
        #expect(close(lim, e["pvalue_kolmogorov_limit"], atol: 1e-12))
    }

    @Test("Wasserstein-1", arguments: columns)
    func wasserstein(_ col: BatchColumn) throws {
        let w = try Wasserstein.distance(reference: col.refNumeric, current: col.curNumeric)
        #expect(close(w, col.expected["wasserstein_distance"]))
        let viaECDF = EmpiricalCDF(sorted: col.refNumeric.sorted()).wasserstein(EmpiricalCDF(sorted: col.curNumeric.sorted()))
        #expect(close(viaECDF, col.expected["wasserstein_distance"]))
    }

    @Test("PSI edges, counts, terms and value", arguments: columns)
    func psi(_ col: BatchColumn) throws {
        let e = sub(col.expected, "psi")
        let sorted = col.refNumeric.sorted()
        let qv = (1..<10).map { Quantile.linear(sorted: sorted, Double($0) / 10) }
        // numpy's own rounding differs by a few ulps between builds; the fixtures guarantee no sample lies
        // within 1e-9 of an edge unless exactly on it, so ulp-level edge differences cannot change a count.
        #expect(allClose(qv, nums(e["quantile_values_before_dedup"]), atol: 1e-12))
        let (r, edges) = try PSI.numeric(reference: col.refNumeric, current: col.curNumeric)
        #expect(allClose(edges, nums(e["interior_edges"]), atol: 1e-12))
        #expect(r.refCounts == ints(e["ref_counts"]))
        #expect(r.curCounts == ints(e["cur_counts"]))
        #expect(allClose(r.terms, nums(e["per_bin_terms"])))
        #expect(close(r.value, e["value"]))
    }

    @Test("Jensen–Shannon on 20 pooled equal-width bins", arguments: columns)
    func jensenShannon(_ col: BatchColumn) throws {
        let e = sub(col.expected, "jensen_shannon")
        let r = try JensenShannon.numeric(reference: col.refNumeric, current: col.curNumeric)
        #expect(close(r.distanceBase2, e["distance_base2"]))
        #expect(close(r.divergenceBase2, e["divergence_base2"]))
        #expect(close(r.distanceBaseE, e["distance_base_e"]))
        let range = nums(e["range"])
        if range.count == 2, range[1] > range[0] {
            let edges = JensenShannon.equalWidthEdges(lo: range[0], hi: range[1])
            #expect(allClose(edges, nums(e["edges"]), atol: 1e-12))
            #expect(JensenShannon.histogram(col.refNumeric, edges: edges) == ints(e["ref_counts"]))
            #expect(JensenShannon.histogram(col.curNumeric, edges: edges) == ints(e["cur_counts"]))
        }
    }

    @Test("summary moments via Welford", arguments: columns)
    func summary(_ col: BatchColumn) {
        let e = sub(col.expected, "summary")
        var w = Welford()
        col.refNumeric.forEach { w.add($0) }
        #expect(close(w.mean, e["ref_mean"], atol: 1e-12))
        #expect(close(w.sampleStd, e["ref_std_ddof1"], atol: 1e-12))
        #expect(w.min == num(e["ref_min"]) && w.max == num(e["ref_max"]))
    }
}
