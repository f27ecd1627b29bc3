import Foundation
import Testing
import SluiceStats

@Suite("Reference profiles, comparator, window accumulator and reports")
struct ProfileAndReportTests {
    static let ctx = WindowContext(topology: "fraud", operator: "drift", modelVersion: "v3", windowStart: 1_700_000_000_000,
                                   windowEnd: 1_700_000_060_000)

    static func profile(_ caseID: String, builder: ProfileBuilder = ProfileBuilder()) throws -> (ReferenceProfile, CSVColumns) {
        let ref = try #require(Fixtures.csv("batch/\(caseID)/reference.csv"))
        let cur = try #require(Fixtures.csv("batch/\(caseID)/current.csv"))
        return (try builder.build(numeric: ref.numeric, categorical: ref.categorical), cur)
    }

    @Test("CSV reader detects numeric and categorical columns and missing cells")
    func csv() throws {
        let c = try CSVColumns(text: "a,b,c\n1,x,NaN\n2.5,,3\n,y,4\n")
        #expect(c.names == ["a", "b", "c"])
        #expect(c.numeric["a"] == [1, 2.5, nil])
        #expect(c.numeric["c"] == [nil, 3, 4])
        #expect(c.categorical["b"] == ["x", nil, "y"])
        #expect(throws: StatsError.self) { try CSVColumns(text: "a,b\n1\n") }
        let mixed = try #require(Fixtures.csv("batch/mixed_multi_column/reference.csv"))
        #expect(mixed.numeric.keys.sorted() == ["amount", "hour"])
        #expect(mixed.categorical.keys.sorted() == ["merchant_category"])
    }

    @Test("profile holds the fixture's PSI edges, counts and moments; id is a stable content hash")
    func profileContents() throws {
        let (p, _) = try Self.profile("small_samples")
        let f = try #require(p.feature("distance_km"))
        let e = sub(Fixtures.json("batch/small_samples/expected.json")["columns"] as? [String: Any] ?? [:], "distance_km")
        #expect(allClose(f.binEdges ?? [], nums(sub(e, "psi")["interior_edges"]), atol: 1e-12))
        #expect(f.binCounts == ints(sub(e, "psi")["ref_counts"]))
        #expect(close(f.std, sub(e, "summary")["ref_std_ddof1"], atol: 1e-12))
        #expect(f.sample?.count == 40 && f.sampleIsComplete == true)
        #expect(p.id.count == 16)
        let (again, _) = try Self.profile("small_samples")
        #expect(again.id == p.id)
        let (other, _) = try Self.profile("mean_shift")
        #expect(other.id != p.id)
        let decoded = try ReferenceProfile.decode(try p.jsonData())
        #expect(decoded == p)
        var tampered = p
        tampered.features[0].count += 1
        let data = try JSONEncoder().encode(tampered)
        #expect(throws: StatsError.self) { try ReferenceProfile.decode(data) }
    }

    @Test("large references keep a bounded, deterministic rank sample")
    func boundedSample() {
        let values = (0..<50_000).map { Double($0) as Double? }
        let f = ProfileBuilder(maxSample: 1000).numericProfile(name: "x", values: values)
        #expect(f.sample?.count == 1000)
        #expect(f.sampleIsComplete == false)
        #expect(f.sample?.first == 25 && f.sample?.last == 49_975)
    }

    @Test("default tests per type and size; drift decisions follow the fixtures", arguments: [
        ("mean_shift", "amount", DriftTest.ks, true),
        ("no_drift_numeric", "x", DriftTest.ks, false),
        ("variance_change", "score", DriftTest.wasserstein, true),
        ("no_drift_categorical", "merchant_category", DriftTest.chiSquare, false),
        ("categorical_proportion_change", "merchant_category", DriftTest.chiSquare, true),
        ("constant_column", "flag", DriftTest.ks, false),
    ])
    func defaults(_ caseID: String, _ feature: String, _ test: DriftTest, _ drifted: Bool) throws {
        let (p, cur) = try Self.profile(caseID)
        let r = try DriftComparator(profile: p).compare(numeric: cur.numeric, categorical: cur.categorical, context: Self.ctx)
        let f = try #require(r.features.first { $0.name == feature })
        #expect(f.test == test)
        #expect(f.drifted == drifted)
        if test == .ks {
            let e = sub(sub(Fixtures.json("batch/\(caseID)/expected.json")["columns"] as? [String: Any] ?? [:], feature), "ks_2samp")
            #expect(close(f.pValue, e["pvalue_auto"], atol: 1e-12))
        }
    }

    @Test("thresholds and tests are overridable by name; unknown names are rejected")
    func overrides() throws {
        let (p, cur) = try Self.profile("mixed_multi_column")
        let cfg = try DriftConfig(numericTest: .psi, thresholds: ["psi": 0.05])
        let r = try DriftComparator(profile: p, config: cfg).compare(numeric: cur.numeric, categorical: cur.categorical, context: Self.ctx)
        let amount = try #require(r.features.first { $0.name == "amount" })
        let e = sub(sub(Fixtures.json("batch/mixed_multi_column/expected.json")["columns"] as? [String: Any] ?? [:], "amount"), "psi")
        #expect(amount.test == .psi && amount.threshold == 0.05)
        #expect(close(amount.statistic, e["value"]))
        #expect(amount.drifted == ((num(e["value"]) ?? 0) > 0.05))
        #expect(throws: StatsError.self) { try DriftConfig(thresholds: ["kolmogorov": 0.1]) }
        #expect(throws: StatsError.self) { try DriftConfig(categoricalTest: .ks) }
    }

    @Test("new categories and missing-rate changes are reported")
    func newCategoriesAndMissing() throws {
        let (p, cur) = try Self.profile("new_category")
        var cfg = DriftConfig.standard
        cfg.newCategoriesAreDrift = true
        let r = try DriftComparator(profile: p, config: cfg).compare(categorical: cur.categorical, context: Self.ctx)
        #expect(r.features[0].newCategories == ["crypto_exchange"])
        #expect(r.features[0].drifted)

        let ref = ProfileBuilder().build(numericOnly: ["x": (0..<1000).map { Double($0 % 50) }])
        var current: [Double?] = (0..<1000).map { Double($0 % 50) }
        for i in stride(from: 0, to: 1000, by: 4) { current[i] = nil }
        let m = try DriftComparator(profile: ref).compare(numeric: ["x": current], context: Self.ctx)
        #expect(m.features[0].missingRate == 0.25)
        #expect(m.features[0].missingRateDrifted == true)
        #expect(throws: StatsError.self) { try DriftComparator(profile: ref).compare(numeric: [:], context: Self.ctx) }
    }

    @Test("dataset drift uses the share of drifted features")
    func datasetDrift() throws {
        let (p, cur) = try Self.profile("mixed_multi_column")
        let r = try DriftComparator(profile: p).compare(numeric: cur.numeric, categorical: cur.categorical, context: Self.ctx)
        let share = Double(r.features.filter(\.drifted).count) / 3
        #expect(r.driftShare == share)
        #expect(r.datasetDrift == (share >= 0.5))
        #expect(r.n == 1100)
        #expect(r.referenceProfileId == p.id)
    }

    @Test("window accumulator gives exact PSI/chi-square and sketch KS/Wasserstein close to exact")
    func windowMatchesBatch() throws {
        let (p, cur) = try Self.profile("mixed_multi_column")
        var windows: [String: WindowAccumulator] = [:]
        for f in p.features { windows[f.name] = WindowAccumulator(profile: f) }
        for (name, col) in cur.numeric { windows[name]?.add(contentsOf: col.map { $0 ?? .nan }) }
        for (name, col) in cur.categorical { col.forEach { windows[name]?.add(category: $0) } }
        for test in [DriftTest.psi, .ks, .wasserstein, .jensenShannon] {
            let cfg = try DriftConfig(numericTest: test)
            let exact = try DriftComparator(profile: p, config: cfg).compare(numeric: cur.numeric, categorical: cur.categorical, context: Self.ctx)
            let approx = try DriftComparator(profile: p, config: cfg).compare(windows: windows, context: Self.ctx)
            for (a, b) in zip(exact.features, approx.features) {
                #expect(a.name == b.name)
                let tol = test == .psi || a.type == .categorical ? 1e-12 : 0.02
                #expect(abs(a.statistic - b.statistic) <= tol, "\(a.name) \(test): \(a.statistic) vs \(b.statistic)")
            }
        }
    }

    @Test("window accumulator storage does not grow with 1e6 values")
    func boundedMemory() {
        let f = ProfileBuilder().numericProfile(name: "x", values: (0..<5000).map { Double($0) })
        var acc = WindowAccumulator(profile: f)
        var rng = SplitMix(state: 1)
        var after10k = 0
        for i in 0..<1_000_000 {
            acc.add(rng.normal() * 1000)
            if i == 9_999 { after10k = acc.storageFootprint }
        }
        #expect(acc.count == 1_000_000)
        #expect(acc.storageFootprint < 1_200)
        #expect(acc.storageFootprint < after10k * 2)
        var cat = WindowAccumulator(profile: ProfileBuilder().categoricalProfile(name: "c", values: ["a", "b"]), maxNewCategories: 10)
        for i in 0..<100_000 { cat.add(category: "v\(i)") }
        #expect(cat.categoryCounts.count == 10)
        #expect(cat.otherNewCategoryCount == 99_990)
        acc.reset()
        #expect(acc.count == 0 && acc.histogram.counts.count == 10)
    }

    @Test("report and retrain request JSON use the documented snake_case schema")
    func reportJSON() throws {
        let (p, cur) = try Self.profile("mean_shift")
        let alarm = DetectorAlarm(detector: "ADWIN", metric: "error_rate", signal: .drift, index: 1055)
        let r = try DriftComparator(profile: p).compare(numeric: cur.numeric, context: Self.ctx, alarms: [alarm])
        let obj = try #require(try JSONSerialization.jsonObject(with: r.jsonData()) as? [String: Any])
        for key in ["report_id", "topology", "operator", "model_version", "reference_profile_id", "window_start", "window_end",
                    "n", "features", "dataset_drift", "drift_share", "detector_alarms"] {
            #expect(obj[key] != nil, "missing \(key)")
        }
        let feature = try #require((obj["features"] as? [[String: Any]])?.first)
        for key in ["name", "type", "test", "statistic", "p_value", "threshold", "drifted", "missing_rate"] {
            #expect(feature[key] != nil, "missing feature.\(key)")
        }
        #expect(try JSONDecoder().decode(DriftReport.self, from: r.jsonData()) == r)
        let req = RetrainRequest(report: r, model: "fraud-xgb")
        let reqObj = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(req)) as? [String: Any])
        #expect(reqObj["type"] as? String == "retrain_request")
        #expect(reqObj["drifted_features"] as? [String] == ["amount"])
        #expect(reqObj["report_id"] as? String == r.reportId)
        #expect(Set(reqObj.keys) == ["type", "model", "reference_profile_id", "window_start", "window_end", "drifted_features", "report_id", "topology"])
    }
}

extension ProfileBuilder {
    /// Test helper: numeric-only build without optionals.
    func build(numericOnly cols: [String: [Double]]) -> ReferenceProfile {
        ReferenceProfile(features: cols.map { numericProfile(name: $0.key, values: $0.value.map { $0 }) })
    }
}
