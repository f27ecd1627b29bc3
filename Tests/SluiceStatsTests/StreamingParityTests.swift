import Foundation
import Testing
import SluiceStats

struct StreamCase: CustomStringConvertible, Sendable {
    let stream: String
    let detector: String
    let className: String
    let params: [String: Double]
    let driftIndices: [Int]
    let warningIndices: [Int]?
    var description: String { "\(stream)/\(detector)" }
}

@Suite("Streaming detectors reproduce River 0.26.1 detections")
struct StreamingParityTests {
    static var expected: [String: Any] { Fixtures.json("streaming/expected.json") }

    static let cases: [StreamCase] = ((expected["results"] as? [[String: Any]]) ?? []).map { r in
        var params: [String: Double] = [:]
        for (k, v) in r["params"] as? [String: Any] ?? [:] {
            if let s = v as? String {
                params[k] = ["both": 0, "up": 1, "down": 2][s] ?? -1
            } else if let d = num(v) {
                params[k] = d
            }
        }
        return StreamCase(stream: r["stream"] as? String ?? "", detector: r["detector"] as? String ?? "",
                          className: r["class"] as? String ?? "", params: params, driftIndices: ints(r["drift_indices"]),
                          warningIndices: r["warning_indices"].map(ints))
    }

    static func stream(_ id: String) -> [Double] {
        Fixtures.text("streaming/streams/\(id).csv").split(separator: "\n").dropFirst().compactMap { line in
            line.split(separator: ",").last.flatMap { Double(String($0)) }
        }
    }

    @Test("all 26 configurations are present")
    func present() { #expect(Self.cases.count == 26) }

    @Test("drift (and DDM warning) indices match exactly", arguments: cases)
    func detections(_ c: StreamCase) throws {
        var det = try DetectorFactory.make(c.className, params: c.params)
        var drifts: [Int] = [], warnings: [Int] = []
        for (i, x) in Self.stream(c.stream).enumerated() {
            switch det.update(x) {
            case .drift: drifts.append(i)
            case .warning: warnings.append(i)
            case .none: break
            }
        }
        #expect(drifts == c.driftIndices)
        if let w = c.warningIndices { #expect(warnings == w) }
    }

    @Test("Python MT19937 getrandbits and sample match CPython")
    func pythonRandom() {
        let check = Self.expected["python_random_check"] as? [String: Any] ?? [:]
        var r = PythonRandom(seed: 42)
        #expect((0..<3).map { _ in Int(r.getrandbits(32)) } == ints(check["values"]))
        var s = PythonRandom(seed: 42)
        #expect(s.sample(rangeOf: 70, count: 30) == ints(check["sample_values"]))
    }

    @Test("KSWIN draws the traced sample indices on every test")
    func kswinSamples() {
        let rows = Fixtures.text("streaming/traces/abrupt_mean_shift__kswin_seed42__samples.csv").split(separator: "\n").dropFirst()
        let drifts = Set(Self.cases.first { $0.description == "abrupt_mean_shift/kswin_seed42" }?.driftIndices ?? [])
        var rng = PythonRandom(seed: 42)
        var fill = 0
        var checked = 0
        // Replays KSWIN's draw schedule: one sample per update once 100 values are held; reset after a drift.
        var expectedByIndex: [Int: [Int]] = [:]
        for row in rows {
            let f = row.split(separator: ",").compactMap { Int(String($0)) }
            expectedByIndex[f[0]] = Array(f.dropFirst())
        }
        var resetPending = false
        for i in 0..<2000 {
            if resetPending { rng = PythonRandom(seed: 42); fill = 0; resetPending = false }
            fill = min(fill + 1, 100)
            guard fill == 100 else { continue }
            let drawn = rng.sample(rangeOf: 70, count: 30)
            if let e = expectedByIndex[i] { #expect(drawn == e, "index \(i)"); checked += 1 }
            if drifts.contains(i) { resetPending = true }
        }
        #expect(checked == expectedByIndex.count && checked > 0)
    }

    @Test("unknown detector and parameter names are rejected with the accepted names")
    func factoryErrors() {
        #expect(throws: StatsError.self) { try DetectorFactory.make("CUSUM") }
        do {
            _ = try DetectorFactory.make("ADWIN", params: ["delta": 0.01, "window": 3])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unknownParameter)
            #expect(error.message.contains("grace_period"))
        }
        #expect(throws: StatsError.self) { try DetectorFactory.make("PageHinkley", params: ["mode": 7]) }
        #expect(throws: StatsError.self) { try DetectorFactory.make("KSWIN", params: ["window_size": 40, "stat_size": 30]) }
        #expect(throws: StatsError.self) { try DetectorFactory.make("DDM", params: ["warm_start": 1.5]) }
    }

    @Test("a detector resets on the update after a drift")
    func resetAfterDrift() {
        var ph = PageHinkley(minInstances: 1, threshold: 1)
        #expect(ph.update(0) == .none)
        #expect(ph.update(100) == .drift)
        #expect(ph.update(100) == .none)
        #expect(ph.n == 1)
    }
}
