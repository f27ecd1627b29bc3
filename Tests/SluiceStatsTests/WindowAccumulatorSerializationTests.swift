import Foundation
import Testing
import SluiceStats

@Suite("WindowAccumulator checkpoint encoding")
struct WindowAccumulatorSerializationTests {
    static let builder = ProfileBuilder()
    static let numeric = builder.numericProfile(name: "amount", values: (0..<2000).map { Double($0 % 97) * 1.5 })
    static let categorical = builder.categoricalProfile(name: "country", values: (0..<300).map { ["DE", "FR", "IT"][$0 % 3] })

    static func filledNumeric() -> WindowAccumulator {
        var acc = WindowAccumulator(profile: numeric, sketchK: 32)
        for i in 0..<20_000 { acc.add(i % 41 == 0 ? .nan : Double((i * 7919) % 1000) / 7) }
        return acc
    }

    /// Reference categories, 3 named new ones, overflow beyond them, and missing values.
    static func filledCategorical() -> WindowAccumulator {
        var acc = WindowAccumulator(profile: categorical, maxNewCategories: 3)
        for i in 0..<5000 { acc.add(category: i % 13 == 0 ? nil : (i % 10 == 0 ? "new\(i % 7)" : ["DE", "FR", "IT"][i % 3])) }
        return acc
    }

    @Test("a round trip is exact and the restored window continues identically", arguments: ["numeric", "categorical"])
    func roundTrip(kind: String) throws {
        var acc = kind == "numeric" ? Self.filledNumeric() : Self.filledCategorical()
        var back = try WindowAccumulator(serialized: acc.serialized())
        #expect(back == acc)
        #expect(back.serialized() == acc.serialized())
        if kind == "numeric" {
            for x in [3.0, .nan, 500] { acc.add(x); back.add(x) }
        } else {
            #expect(acc.otherNewCategoryCount > 0 && acc.categoryCounts.count == 6)
            // The limit of named new categories survives: another unseen category goes to the overflow count.
            for c in ["DE", "brand-new", nil] { acc.add(category: c); back.add(category: c) }
            #expect(back.categoryCounts["brand-new"] == nil)
        }
        #expect(back == acc)
    }

    @Test("an empty accumulator round trips")
    func emptyRoundTrip() throws {
        let acc = WindowAccumulator(profile: Self.numeric)
        #expect(try WindowAccumulator(serialized: acc.serialized()) == acc)
    }

    @Test("truncated, foreign and future-version bytes are rejected")
    func rejectsBadBytes() throws {
        var bytes = Self.filledCategorical().serialized()
        #expect(Array(bytes[0..<5]) == Array("WACC".utf8) + [1])
        #expect(throws: StatsError.self) { try WindowAccumulator(serialized: Array(bytes.dropLast(1))) }
        #expect(throws: StatsError.self) { try WindowAccumulator(serialized: Welford().serialized()) }
        bytes[4] = 2
        #expect(throws: StatsError(.unsupportedVersion, "WACC format version 2 is not supported; upgrade Sluice",
                                   context: ["supported": "1...1"])) { try WindowAccumulator(serialized: bytes) }
    }

    @Test("restoring from parts rebuilds the same accumulator")
    func restoreFromParts() throws {
        let acc = Self.filledCategorical()
        let back = try WindowAccumulator(restoring: Self.categorical, maxNewCategories: 3, histogram: acc.histogram,
                                         sketch: acc.sketch, moments: acc.moments, missing: acc.missing,
                                         categoryCounts: acc.categoryCounts, otherNewCategoryCount: acc.otherNewCategoryCount)
        #expect(back == acc)
    }

    @Test("inconsistent parts are rejected with the reason")
    func rejectsInconsistentParts() throws {
        let acc = Self.filledNumeric(), cat = Self.filledCategorical()
        func restore(_ profile: FeatureProfile, maxNew: Int = 100, histogram: BinnedHistogram? = nil, moments: Welford? = nil,
                     missing: Int? = nil, counts: [String: Int]? = nil) throws(StatsError) {
            let src = profile.type == .numeric ? acc : cat
            _ = try WindowAccumulator(restoring: profile, maxNewCategories: maxNew, histogram: histogram ?? src.histogram,
                                      sketch: src.sketch, moments: moments ?? src.moments, missing: missing ?? src.missing,
                                      categoryCounts: counts ?? src.categoryCounts, otherNewCategoryCount: src.otherNewCategoryCount)
        }
        let cases: [(String, () throws(StatsError) -> Void)] = [
            ("differ from the reference profile", { () throws(StatsError) in try restore(Self.numeric, histogram: BinnedHistogram(edges: [1, 2])) }),
            ("different counts", { () throws(StatsError) in try restore(Self.numeric, moments: Welford()) }),
            ("negative count", { () throws(StatsError) in try restore(Self.numeric, missing: -1) }),
            ("more than its limit", { () throws(StatsError) in try restore(Self.categorical, maxNew: 2) }),
            ("negative count", { () throws(StatsError) in try restore(Self.categorical, counts: ["DE": -4]) }),
        ]
        for (reason, run) in cases {
            do {
                try run()
                Issue.record("expected an error mentioning '\(reason)'")
            } catch {
                #expect(error.code == .corruptEncoding)
                #expect(error.message.contains(reason))
            }
        }
    }
}

@Suite("Report memberwise initialisers")
struct ReportInitialiserTests {
    @Test("a hand-built report encodes the fields it was given")
    func handBuiltReport() throws {
        let f = FeatureDrift(name: "amount", type: .numeric, test: .psi, statistic: 0.31, threshold: 0.2, drifted: true,
                             missingRate: 0.01)
        let r = DriftReport(reportId: "r1", topology: "t", operator: "drift", referenceProfileId: "p", windowStart: 0,
                            windowEnd: 60_000, n: 500, features: [f], datasetDrift: true, driftShare: 1, driftShareThreshold: 0.5)
        #expect(r.driftedFeatures == ["amount"])
        let back = try JSONDecoder().decode(DriftReport.self, from: r.jsonData())
        #expect(back == r)
        #expect(back.features[0].pValue == nil && back.features[0].missingRate == 0.01 && back.detectorAlarms.isEmpty)
    }
}
