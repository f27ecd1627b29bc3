import Foundation
import Testing
import SluiceStats

@Suite("Batch categorical statistics match scipy fixtures")
struct BatchCategoricalParityTests {
    static let columns = Fixtures.batchColumns(kind: "categorical")

    @Test("fixture columns are found")
    func fixturesPresent() { #expect(Self.columns.count == 5) }

    @Test("category table, new and missing categories", arguments: columns)
    func table(_ col: BatchColumn) {
        let e = col.expected
        let t = CategoryTable(reference: col.refCategorical, current: col.curCategorical)
        #expect(t.categories == (e["categories"] as? [String] ?? []))
        #expect(t.refCounts == ints(e["ref_counts"]))
        #expect(t.curCounts == ints(e["cur_counts"]))
        #expect(t.newCategories == (e["new_categories_in_current"] as? [String] ?? []))
        #expect(t.missingCategories == (e["categories_missing_in_current"] as? [String] ?? []))
    }

    @Test("PSI with epsilon for empty categories", arguments: columns)
    func psi(_ col: BatchColumn) {
        let e = sub(col.expected, "psi")
        let (r, _) = PSI.categorical(reference: col.refCategorical, current: col.curCategorical)
        #expect(allClose(r.terms, nums(e["per_category_terms"])))
        #expect(close(r.value, e["value"]))
    }

    @Test("Jensen–Shannon", arguments: columns)
    func js(_ col: BatchColumn) {
        let e = sub(col.expected, "jensen_shannon")
        let r = JensenShannon.categorical(reference: col.refCategorical, current: col.curCategorical)
        #expect(close(r.distanceBase2, e["distance_base2"]))
        #expect(close(r.divergenceBase2, e["divergence_base2"]))
        #expect(close(r.distanceBaseE, e["distance_base_e"]))
    }

    @Test("chi-square contingency with and without Yates", arguments: columns)
    func contingency(_ col: BatchColumn) throws {
        let e = sub(col.expected, "chi2_contingency")
        let t = CategoryTable(reference: col.refCategorical, current: col.curCategorical)
        let r = try ChiSquare.contingency(reference: t.refCounts, current: t.curCounts)
        #expect(close(r.statistic, e["statistic"]))
        #expect(close(r.pValue, e["pvalue"], atol: 1e-12))
        #expect(r.dof == Int(num(e["dof"]) ?? -1))
        let flatExpected = (e["expected_freq"] as? [[Any]] ?? []).flatMap { nums($0) }
        #expect(allClose(r.expected, flatExpected))
        let y = try ChiSquare.contingency(reference: t.refCounts, current: t.curCounts, yates: true)
        #expect(close(y.statistic, e["yates_corrected_statistic"]))
        #expect(close(y.pValue, e["yates_corrected_pvalue"], atol: 1e-12))
    }

    @Test("chi-square goodness of fit (plain is nil with a new category) and Laplace-smoothed", arguments: columns)
    func goodnessOfFit(_ col: BatchColumn) {
        let t = CategoryTable(reference: col.refCategorical, current: col.curCategorical)
        let g = ChiSquare.goodnessOfFit(reference: t.refCounts, current: t.curCounts)
        if let e = col.expected["chisquare_gof"] as? [String: Any] {
            #expect(close(g?.statistic, e["statistic"]))
            #expect(close(g?.pValue, e["pvalue"], atol: 1e-12))
            #expect(allClose(g?.expected ?? [], nums(e["f_exp"])))
        } else {
            #expect(g == nil)
        }
        let e = sub(col.expected, "chisquare_gof_laplace")
        let l = ChiSquare.goodnessOfFitLaplace(reference: t.refCounts, current: t.curCounts)
        #expect(close(l?.statistic, e["statistic"]))
        #expect(close(l?.pValue, e["pvalue"], atol: 1e-12))
        #expect(l?.dof == Int(num(e["dof"]) ?? -1))
    }
}
