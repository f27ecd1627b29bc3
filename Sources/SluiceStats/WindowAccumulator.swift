/// Accumulates one feature's current window with memory bounded independently of the window size:
/// counts on the reference PSI bins, a KLL sketch (KS / Wasserstein / JS), Welford moments, the missing
/// count and category counts (reference categories plus at most `maxNewCategories` new ones).
///
/// ```swift
/// var acc = WindowAccumulator(profile: profile.feature("amount")!)
/// acc.add(contentsOf: batch)          // NaN = missing
/// let report = try DriftComparator(profile: profile).compare(windows: ["amount": acc], context: ctx)
/// ```
public struct WindowAccumulator: Sendable, Equatable {
    public let feature: String
    public let type: FeatureType
    public private(set) var histogram: BinnedHistogram
    public private(set) var sketch: KLLSketch
    public private(set) var moments = Welford()
    public private(set) var missing = 0
    public private(set) var categoryCounts: [String: Int] = [:]
    /// Values of new categories beyond `maxNewCategories` (counted, not named).
    public private(set) var otherNewCategoryCount = 0
    public let maxNewCategories: Int
    /// Category names of the reference profile; any other category counts as new.
    public let referenceCategories: Set<String>
    /// New (non-reference) categories named in `categoryCounts`; at most `maxNewCategories`.
    private var newCategoryNames = 0

    /// Name used for the overflow bucket of new categories in tests.
    public static let overflowCategory = "__other_new__"

    public init(profile: FeatureProfile, sketchK: Int = 200, maxNewCategories: Int = 100) {
        feature = profile.name
        type = profile.type
        histogram = BinnedHistogram(edges: profile.binEdges ?? [])
        sketch = KLLSketch(clampedK: sketchK)
        self.maxNewCategories = maxNewCategories
        referenceCategories = Set((profile.categories ?? [:]).keys)
    }

    /// Non-missing values seen.
    public var count: Int { type == .numeric ? sketch.count : categoryCounts.values.reduce(otherNewCategoryCount, +) }
    /// Rows seen (values + missing).
    public var rows: Int { count + missing }

    /// Adds a numeric value; NaN counts as missing.
    @inline(__always)
    public mutating func add(_ x: Double) {
        if x.isNaN { missing += 1; return }
        histogram.add(x)
        sketch.add(x)
        moments.add(x)
    }

    /// Adds a batch of numeric values (NaN = missing).
    public mutating func add(contentsOf xs: [Double]) {
        xs.withUnsafeBufferPointer { add(contentsOf: $0) }
    }

    /// Adds a batch from a buffer (NaN = missing). Works in L1-sized chunks, one tight loop per component.
    public mutating func add(contentsOf xs: UnsafeBufferPointer<Double>) {
        let chunk = 2048
        var start = 0
        while start < xs.count {
            let part = UnsafeBufferPointer(rebasing: xs[start..<Swift.min(start + chunk, xs.count)])
            histogram.add(contentsOf: part)
            for x in part {
                if x.isNaN { missing += 1 } else { sketch.add(x); moments.add(x) }
            }
            start += chunk
        }
    }

    /// Adds an optional numeric value (nil = missing).
    public mutating func add(_ x: Double?) { if let v = x { add(v) } else { missing += 1 } }

    /// Adds a category (nil = missing).
    public mutating func add(category c: String?) {
        guard let c else { missing += 1; return }
        if categoryCounts[c] != nil || referenceCategories.contains(c) {
            categoryCounts[c, default: 0] += 1
        } else if newCategoryNames < maxNewCategories {
            newCategoryNames += 1
            categoryCounts[c] = 1
        } else {
            otherNewCategoryCount += 1
        }
    }

    /// Counts a missing value.
    public mutating func addMissing() { missing += 1 }

    /// Clears the window, keeping the reference bins.
    public mutating func reset() {
        self = WindowAccumulator(feature: feature, type: type, edges: histogram.edges, k: sketch.k,
                                 maxNewCategories: maxNewCategories, referenceCategories: referenceCategories)
    }

    private init(feature: String, type: FeatureType, edges: [Double], k: Int, maxNewCategories: Int, referenceCategories: Set<String>) {
        self.feature = feature; self.type = type
        histogram = BinnedHistogram(edges: edges)
        sketch = KLLSketch(clampedK: k)
        self.maxNewCategories = maxNewCategories
        self.referenceCategories = referenceCategories
    }

    /// Rebuilds an accumulator from its parts after checking they could have come from `add` calls (used by
    /// `init(serialized:)` and `init(restoring:...)`). - Throws: `corruptEncoding` on inconsistent parts.
    init(feature: String, type: FeatureType, referenceCategories: Set<String>, maxNewCategories: Int,
         histogram: BinnedHistogram, sketch: KLLSketch, moments: Welford, missing: Int,
         categoryCounts: [String: Int], otherNewCategoryCount: Int) throws(StatsError) {
        let context = ["feature": feature]
        guard missing >= 0, otherNewCategoryCount >= 0, maxNewCategories >= 0,
              histogram.counts.allSatisfy({ $0 >= 0 }), categoryCounts.values.allSatisfy({ $0 >= 0 }) else {
            throw StatsError(.corruptEncoding, "window accumulator of '\(feature)' holds a negative count", context: context)
        }
        // The histogram, sketch and moments all see every non-missing numeric value.
        guard histogram.total == sketch.count, sketch.count == moments.count else {
            throw StatsError(.corruptEncoding, "window accumulator of '\(feature)' has histogram, sketch and moments of different counts",
                             context: context.merging(["histogram": "\(histogram.total)", "sketch": "\(sketch.count)",
                                                       "moments": "\(moments.count)"]) { a, _ in a })
        }
        let named = categoryCounts.keys.reduce(0) { referenceCategories.contains($1) ? $0 : $0 + 1 }
        guard named <= maxNewCategories else {
            throw StatsError(.corruptEncoding, "window accumulator of '\(feature)' names \(named) new categories, more than its limit of \(maxNewCategories)",
                             context: context)
        }
        self.feature = feature; self.type = type
        self.referenceCategories = referenceCategories; self.maxNewCategories = maxNewCategories
        self.histogram = histogram; self.sketch = sketch; self.moments = moments; self.missing = missing
        self.categoryCounts = categoryCounts; self.otherNewCategoryCount = otherNewCategoryCount
        newCategoryNames = named
    }

    /// Number of stored numbers/entries (bins + retained sketch values + category entries): bounded by
    /// O(bins + k log(n/k) + reference categories + maxNewCategories).
    public var storageFootprint: Int { histogram.counts.count + sketch.retained + categoryCounts.count }

    /// Category counts as tests see them (overflow folded into `overflowCategory`).
    var effectiveCategoryCounts: [String: Int] {
        var c = categoryCounts
        if otherNewCategoryCount > 0 { c[Self.overflowCategory, default: 0] += otherNewCategoryCount }
        return c
    }
}
