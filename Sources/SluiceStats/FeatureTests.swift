/// What the comparator knows about one feature's current data, exact or sketched.
struct CurrentSummary {
    var count = 0
    var missing = 0
    /// Counts on the reference PSI edges.
    var binCounts: [Int] = []
    /// Sorted current values when known exactly.
    var exactSorted: [Double]?
    /// Current distribution (exact or from a sketch).
    var ecdf: EmpiricalCDF?
    var categories: [String: Int] = [:]

    init(numeric col: [Double?], edges: [Double]) {
        var vals: [Double] = []
        vals.reserveCapacity(col.count)
        for v in col { if let x = v, !x.isNaN { vals.append(x) } else { missing += 1 } }
        vals.sort()
        count = vals.count
        binCounts = PSI.binCounts(vals, edges: edges)
        exactSorted = vals
        ecdf = EmpiricalCDF(sorted: vals)
    }

    init(categorical col: [String?]) {
        for v in col { if let s = v { categories[s, default: 0] += 1 } else { missing += 1 } }
        count = col.count - missing
    }

    init(window w: WindowAccumulator) {
        count = w.count
        missing = w.missing
        binCounts = w.histogram.counts
        ecdf = w.sketch.count > 0 ? w.sketch.weightedView() : nil
        categories = w.effectiveCategoryCounts
    }
}

/// Runs one drift test on a profiled feature and a current summary: (statistic, p-value?).
enum FeatureTests {
    static func run(_ test: DriftTest, reference f: FeatureProfile, current c: CurrentSummary) throws(StatsError) -> (Double, Double?) {
        if f.type == .categorical {
            let table = CategoryTable(referenceCounts: f.categories ?? [:], currentCounts: c.categories)
            switch test {
            case .chiSquare:
                let r = try ChiSquare.contingency(reference: table.refCounts, current: table.curCounts)
                return (r.statistic, r.pValue)
            case .jensenShannon: return (JensenShannon.fromCounts(table.refCounts, table.curCounts).distanceBase2, nil)
            case .psi: return (PSI.fromCounts(reference: table.refCounts, current: table.curCounts).value, nil)
            case .ks, .wasserstein:
                throw StatsError(.invalidParameter, "\(test.rawValue) cannot test categorical feature '\(f.name)'", context: ["feature": f.name])
            }
        }
        let sample = f.sample ?? []
        let refN = f.sampleIsComplete == true ? f.count : sample.count
        switch test {
        case .psi:
            return (PSI.fromCounts(reference: f.binCounts ?? [], current: c.binCounts).value, nil)
        case .chiSquare:
            let rc = f.binCounts ?? [], cc = c.binCounts
            let keep = (0..<min(rc.count, cc.count)).filter { rc[$0] + cc[$0] > 0 }
            let r = try ChiSquare.contingency(reference: keep.map { rc[$0] }, current: keep.map { cc[$0] })
            return (r.statistic, r.pValue)
        case .ks:
            if let exact = c.exactSorted, !sample.isEmpty {
                let s = KolmogorovSmirnov.statistic(sortedReference: sample, sortedCurrent: exact)
                let p = KolmogorovSmirnov.pValue(d: s.d, n1: refN, n2: exact.count, method: .auto)
                return (p.statistic, p.p)
            }
            let d = EmpiricalCDF(sorted: sample).ksStatistic(c.ecdf ?? EmpiricalCDF(sorted: []))
            return (d, KolmogorovSmirnov.pValue(d: d, n1: refN, n2: c.count, method: .asymp).p)
        case .wasserstein:
            let w: Double
            if let exact = c.exactSorted, !sample.isEmpty {
                w = Wasserstein.distance(sortedReference: sample, sortedCurrent: exact)
            } else {
                w = EmpiricalCDF(sorted: sample).wasserstein(c.ecdf ?? EmpiricalCDF(sorted: []))
            }
            return (Wasserstein.normalised(w, referenceStd: f.stdPopulation ?? 0), nil)
        case .jensenShannon:
            if let exact = c.exactSorted, f.sampleIsComplete == true {
                return ((try JensenShannon.numeric(reference: sample, current: exact)).distanceBase2, nil)
            }
            return (jsFromECDFs(EmpiricalCDF(sorted: sample), c.ecdf ?? EmpiricalCDF(sorted: [])), nil)
        }
    }

    /// JS on 20 equal-width pooled bins, with each ECDF's point masses as weights (sketch path).
    static func jsFromECDFs(_ a: EmpiricalCDF, _ b: EmpiricalCDF) -> Double {
        guard let alo = a.values.first, let ahi = a.values.last, let blo = b.values.first, let bhi = b.values.last else { return 0 }
        let lo = min(alo, blo), hi = max(ahi, bhi)
        guard hi > lo else { return 0 }
        let edges = JensenShannon.equalWidthEdges(lo: lo, hi: hi)
        func weights(_ e: EmpiricalCDF) -> [Double] {
            var w = [Double](repeating: 0, count: JensenShannon.defaultBins)
            var prev = 0.0
            for (i, v) in e.values.enumerated() {
                let bin = min(Quantile.countLessOrEqual(edges, v) - 1, JensenShannon.defaultBins - 1)
                w[max(bin, 0)] += e.cumulative[i] - prev
                prev = e.cumulative[i]
            }
            return w
        }
        return JensenShannon.fromWeights(weights(a), weights(b)).distanceBase2
    }
}
