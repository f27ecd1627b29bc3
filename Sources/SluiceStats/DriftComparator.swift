/// Compares current data (raw columns or `WindowAccumulator`s) with a `ReferenceProfile` and builds a `DriftReport`.
///
/// Per feature it runs the configured test, a missing-rate z-test (reported as `missing_rate_drifted`, not
/// counted in `drifted`) and, for categorical features, lists new categories. The dataset drifts when the
/// share of drifted features >= `config.driftShare`.
public struct DriftComparator: Sendable {
    public var profile: ReferenceProfile
    public var config: DriftConfig

    public init(profile: ReferenceProfile, config: DriftConfig = .standard) {
        self.profile = profile
        self.config = config
    }

    /// Compares raw current columns (exact statistics). Every profiled feature must be present.
    public func compare(numeric: [String: [Double?]] = [:], categorical: [String: [String?]] = [:], context: WindowContext,
                        alarms: [DetectorAlarm] = []) throws(StatsError) -> DriftReport {
        var out: [FeatureDrift] = []
        var n = 0
        for f in profile.features {
            let cur: CurrentSummary
            switch f.type {
            case .numeric:
                guard let col = numeric[f.name] else { throw missingColumn(f.name) }
                cur = CurrentSummary(numeric: col, edges: f.binEdges ?? [])
            case .categorical:
                guard let col = categorical[f.name] else { throw missingColumn(f.name) }
                cur = CurrentSummary(categorical: col)
            }
            n = max(n, cur.count + cur.missing)
            out.append(try evaluate(f, cur))
        }
        return report(out, n: n, context: context, alarms: alarms)
    }

    /// Compares bounded-memory window accumulators (sketch-based KS / Wasserstein / JS; exact PSI and chi-square on bins).
    public func compare(windows: [String: WindowAccumulator], context: WindowContext,
                        alarms: [DetectorAlarm] = []) throws(StatsError) -> DriftReport {
        var out: [FeatureDrift] = []
        var n = 0
        for f in profile.features {
            guard let w = windows[f.name] else { throw missingColumn(f.name) }
            let cur = CurrentSummary(window: w)
            n = max(n, cur.count + cur.missing)
            out.append(try evaluate(f, cur))
        }
        return report(out, n: n, context: context, alarms: alarms)
    }

    private func missingColumn(_ name: String) -> StatsError {
        StatsError(.unknownFeature, "current data has no column for profiled feature '\(name)'", context: ["feature": name])
    }

    private func report(_ features: [FeatureDrift], n: Int, context c: WindowContext, alarms: [DetectorAlarm]) -> DriftReport {
        let drifted = features.filter(\.drifted).count
        let share = features.isEmpty ? 0 : Double(drifted) / Double(features.count)
        let key = [c.topology, c.operator, profile.id, "\(c.windowStart)", "\(c.windowEnd)"].joined(separator: "|")
        return DriftReport(reportId: StableHash.hex(StableHash.fnv1a(key.utf8)), topology: c.topology, operator: c.operator,
                           modelVersion: c.modelVersion, referenceProfileId: profile.id, windowStart: c.windowStart,
                           windowEnd: c.windowEnd, n: n, features: features, datasetDrift: !features.isEmpty && share >= config.driftShare,
                           driftShare: share, driftShareThreshold: config.driftShare, detectorAlarms: alarms)
    }

    func evaluate(_ f: FeatureProfile, _ cur: CurrentSummary) throws(StatsError) -> FeatureDrift {
        let test = config.test(for: f)
        let threshold = config.threshold(test)
        var result = FeatureDrift(name: f.name, type: f.type, test: test, statistic: 0, pValue: nil, threshold: threshold, drifted: false)
        let rows = cur.count + cur.missing
        if rows > 0 {
            result.missingRate = Double(cur.missing) / Double(rows)
            result.referenceMissingRate = f.missingRate
            if f.count + f.missingCount > 0 {
                let z = try ProportionZTest.test(referenceCount: f.missingCount, referenceTotal: f.count + f.missingCount,
                                                 currentCount: cur.missing, currentTotal: rows)
                result.missingRatePValue = z.pValue
                result.missingRateDrifted = z.pValue < config.threshold(forName: "missing_rate")
            }
        }
        guard cur.count > 0, f.count > 0 else { return result }
        let (stat, p) = try FeatureTests.run(test, reference: f, current: cur)
        result.statistic = stat
        result.pValue = p
        result.drifted = test.isDistance ? stat > threshold : (p ?? 1) < threshold
        if f.type == .categorical {
            let known = f.categories ?? [:]
            let new = cur.categories.keys.filter { known[$0] == nil }.sorted()
            result.newCategories = new
            if config.newCategoriesAreDrift && !new.isEmpty { result.drifted = true }
        }
        return result
    }
}

extension DriftConfig {
    func threshold(forName name: String) -> Double { thresholds[name] ?? Self.defaultThresholds[name] ?? 0.05 }
}
