import Foundation

/// Population Stability Index. Conventions: reference quantile bins (see `Quantile.psiEdges`),
/// right-closed bins, proportions that are exactly 0 replaced by `epsilon` (no renormalisation), natural log.
public enum PSI {
    /// Default replacement for empty-bin proportions.
    public static let defaultEpsilon = 1e-4

    /// The outcome of a PSI computation with every intermediate value, for tracing.
    public struct Result: Sendable, Equatable {
        public var value: Double
        public var refCounts: [Int]
        public var curCounts: [Int]
        public var refProportions: [Double]
        public var curProportions: [Double]
        public var terms: [Double]
    }

    /// PSI of two numeric samples with `bins` reference-quantile bins.
    /// - Returns: the result plus the interior edges used.
    public static func numeric(reference: [Double], current: [Double], bins: Int = 10,
                               epsilon: Double = defaultEpsilon) throws(StatsError) -> (result: Result, edges: [Double]) {
        guard !reference.isEmpty, !current.isEmpty else {
            throw StatsError(.emptySample, "PSI needs non-empty reference and current samples")
        }
        let edges = Quantile.psiEdges(sorted: reference.sorted(), bins: bins)
        let rc = binCounts(reference, edges: edges)
        let cc = binCounts(current, edges: edges)
        return (fromCounts(reference: rc, current: cc, epsilon: epsilon), edges)
    }

    /// Counts of `values` in the right-closed bins defined by ascending interior `edges` (edges.count + 1 bins).
    public static func binCounts(_ values: [Double], edges: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: edges.count + 1)
        for x in values { counts[Quantile.countLess(edges, x)] += 1 }
        return counts
    }

    /// PSI from two count vectors of equal length (bins or categories in the same order).
    public static func fromCounts(reference rc: [Int], current cc: [Int], epsilon: Double = defaultEpsilon) -> Result {
        precondition(rc.count == cc.count, "count vectors must have equal length")
        let nr = Double(rc.reduce(0, +)), nc = Double(cc.reduce(0, +))
        let rp = rc.map { nr > 0 ? Double($0) / nr : 0 }
        let cp = cc.map { nc > 0 ? Double($0) / nc : 0 }
        var terms = [Double]()
        terms.reserveCapacity(rc.count)
        var total = 0.0
        for i in 0..<rc.count {
            let r = rp[i] > 0 ? rp[i] : epsilon
            let c = cp[i] > 0 ? cp[i] : epsilon
            let t = (c - r) * Foundation.log(c / r)
            terms.append(t)
            total += t
        }
        return Result(value: total, refCounts: rc, curCounts: cc, refProportions: rp, curProportions: cp, terms: terms)
    }

    /// Categorical PSI: one bin per category of the sorted union of both samples.
    public static func categorical(reference: [String], current: [String],
                                   epsilon: Double = defaultEpsilon) -> (result: Result, categories: [String]) {
        let table = CategoryTable(reference: reference, current: current)
        return (fromCounts(reference: table.refCounts, current: table.curCounts, epsilon: epsilon), table.categories)
    }
}

/// Category counts of two samples over the sorted (Unicode code-point order) union of their values.
public struct CategoryTable: Sendable, Equatable {
    public var categories: [String]
    public var refCounts: [Int]
    public var curCounts: [Int]

    public init(reference: [String], current: [String]) {
        var r: [String: Int] = [:], c: [String: Int] = [:]
        for v in reference { r[v, default: 0] += 1 }
        for v in current { c[v, default: 0] += 1 }
        self.init(referenceCounts: r, currentCounts: c)
    }

    public init(referenceCounts r: [String: Int], currentCounts c: [String: Int]) {
        let cats = Set(r.keys).union(c.keys).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        categories = cats
        refCounts = cats.map { r[$0] ?? 0 }
        curCounts = cats.map { c[$0] ?? 0 }
    }

    /// Categories present in the current sample but never in the reference.
    public var newCategories: [String] { zip(categories, refCounts).filter { $0.1 == 0 }.map(\.0) }
    /// Categories present in the reference but absent from the current sample.
    public var missingCategories: [String] { zip(categories, curCounts).filter { $0.1 == 0 }.map(\.0) }
}
