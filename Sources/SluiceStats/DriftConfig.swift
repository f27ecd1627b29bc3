/// Test selection and thresholds for `DriftComparator`. Every threshold is overridable by test name.
public struct DriftConfig: Sendable, Equatable {
    /// Default thresholds: ks 0.05 (p), wasserstein 0.1, psi 0.2, chi_square 0.05 (p), jensen_shannon 0.1,
    /// missing_rate 0.05 (z-test p).
    public static let defaultThresholds: [String: Double] = [
        "ks": 0.05, "wasserstein": 0.1, "psi": 0.2, "chi_square": 0.05, "jensen_shannon": 0.1, "missing_rate": 0.05,
    ]

    /// Forces one test for every numeric feature (nil = KS when reference n <= `smallSampleLimit`, else Wasserstein).
    public var numericTest: DriftTest?
    /// Forces one test for every categorical feature (nil = chi-square when reference n <= limit, else Jensen–Shannon).
    public var categoricalTest: DriftTest?
    /// Per-feature test overrides.
    public var featureTests: [String: DriftTest]
    public var thresholds: [String: Double]
    public var smallSampleLimit: Int
    /// Dataset drift when the share of drifted features >= this.
    public var driftShare: Double
    /// Whether new categories alone mark a categorical feature as drifted.
    public var newCategoriesAreDrift: Bool

    public init(numericTest: DriftTest? = nil, categoricalTest: DriftTest? = nil, featureTests: [String: DriftTest] = [:],
                thresholds: [String: Double] = [:], smallSampleLimit: Int = 1000, driftShare: Double = 0.5,
                newCategoriesAreDrift: Bool = false) throws(StatsError) {
        for key in thresholds.keys.sorted() where Self.defaultThresholds[key] == nil {
            throw StatsError(.unknownParameter, "unknown threshold '\(key)'; accepted: \(Self.defaultThresholds.keys.sorted().joined(separator: ", "))",
                             context: ["threshold": key])
        }
        if let t = categoricalTest, t == .ks || t == .wasserstein {
            throw StatsError(.invalidParameter, "\(t.rawValue) cannot test categorical features; use chi_square, jensen_shannon or psi")
        }
        self.numericTest = numericTest; self.categoricalTest = categoricalTest; self.featureTests = featureTests
        self.thresholds = Self.defaultThresholds.merging(thresholds) { $1 }
        self.smallSampleLimit = smallSampleLimit; self.driftShare = driftShare; self.newCategoriesAreDrift = newCategoriesAreDrift
    }

    /// The default configuration.
    public static var standard: DriftConfig { DriftConfig(defaults: ()) }

    private init(defaults: Void) {
        numericTest = nil; categoricalTest = nil; featureTests = [:]; thresholds = Self.defaultThresholds
        smallSampleLimit = 1000; driftShare = 0.5; newCategoriesAreDrift = false
    }

    /// The test for a feature.
    public func test(for f: FeatureProfile) -> DriftTest {
        if let t = featureTests[f.name] { return t }
        switch f.type {
        case .numeric: return numericTest ?? (f.count <= smallSampleLimit ? .ks : .wasserstein)
        case .categorical: return categoricalTest ?? (f.count <= smallSampleLimit ? .chiSquare : .jensenShannon)
        }
    }

    public func threshold(_ t: DriftTest) -> Double { thresholds[t.rawValue] ?? Self.defaultThresholds[t.rawValue]! }
}
