/// Builds `ReferenceProfile`s from columns.
///
/// ```swift
/// let profile = try ProfileBuilder().build(numeric: ["amount": [12.5, nil, 40]], categorical: ["country": ["DE", "FR", nil]])
/// ```
public struct ProfileBuilder: Sendable {
    /// PSI bins (10 = deciles).
    public var psiBins: Int
    /// Largest reference sample kept for KS / Wasserstein.
    public var maxSample: Int

    public init(psiBins: Int = 10, maxSample: Int = 10_000) {
        self.psiBins = psiBins
        self.maxSample = maxSample
    }

    /// - Throws: `invalidParameter` when a name is used by both a numeric and a categorical column.
    public func build(numeric: [String: [Double?]] = [:], categorical: [String: [String?]] = [:]) throws(StatsError) -> ReferenceProfile {
        if let dup = Set(numeric.keys).intersection(categorical.keys).sorted().first {
            throw StatsError(.invalidParameter, "column '\(dup)' is given as both numeric and categorical", context: ["feature": dup])
        }
        var features: [FeatureProfile] = []
        for (name, col) in numeric { features.append(numericProfile(name: name, values: col)) }
        for (name, col) in categorical { features.append(categoricalProfile(name: name, values: col)) }
        return ReferenceProfile(features: features)
    }

    /// Profile of one numeric column; nil and NaN are missing.
    public func numericProfile(name: String, values: [Double?]) -> FeatureProfile {
        var present: [Double] = []
        present.reserveCapacity(values.count)
        var w = Welford()
        for v in values { if let x = v, !x.isNaN { present.append(x); w.add(x) } }
        present.sort()
        let missing = values.count - present.count
        let edges = Quantile.psiEdges(sorted: present, bins: psiBins)
        var f = FeatureProfile(name: name, type: .numeric, count: present.count, missingCount: missing,
                               missingRate: values.isEmpty ? 0 : Double(missing) / Double(values.count))
        guard !present.isEmpty else { return f }
        f.mean = w.mean; f.std = w.sampleStd; f.stdPopulation = w.populationStd; f.min = w.min; f.max = w.max
        f.binEdges = edges
        f.binCounts = PSI.binCounts(present, edges: edges)
        f.sample = Self.rankSample(sorted: present, limit: maxSample)
        f.sampleIsComplete = present.count <= maxSample
        return f
    }

    /// Profile of one categorical column; nil is missing.
    public func categoricalProfile(name: String, values: [String?]) -> FeatureProfile {
        var counts: [String: Int] = [:]
        var missing = 0
        for v in values { if let s = v { counts[s, default: 0] += 1 } else { missing += 1 } }
        var f = FeatureProfile(name: name, type: .categorical, count: values.count - missing, missingCount: missing,
                               missingRate: values.isEmpty ? 0 : Double(missing) / Double(values.count))
        f.categories = counts
        return f
    }

    /// Every value if count <= limit, else the values at ranks floor((i + 0.5) * n / limit).
    public static func rankSample(sorted s: [Double], limit: Int) -> [Double] {
        guard s.count > limit, limit > 0 else { return s }
        let n = s.count
        return (0..<limit).map { s[Swift.min(n - 1, Int((Double($0) + 0.5) * Double(n) / Double(limit)))] }
    }
}
