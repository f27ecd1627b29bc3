import Foundation
import Testing
@testable import SluiceStats

/// A seeded SplitMix64 generator so sketch tests are reproducible.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    /// Standard normal via Box–Muller.
    mutating func normal() -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self), v = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

@Suite("Sketches stay within their documented error")
struct SketchTests {
    @Test("HyperLogLog estimate within 3 standard errors", arguments: [(14, 100_000), (14, 1_000_000), (10, 200_000), (12, 500)])
    func hll(_ p: Int, _ n: Int) throws {
        var h = try HyperLogLog(precision: p)
        var rng = SplitMix(state: UInt64(p * 7919 + n))
        for _ in 0..<n { h.add(hash: StableHash.mix(rng.next())) }
        let err = abs(h.estimate - Double(n)) / Double(n)
        #expect(err <= 3 * h.standardError, "relative error \(err) vs se \(h.standardError)")
    }

    @Test("HyperLogLog ignores duplicates and merges as a union")
    func hllMerge() throws {
        var a = try HyperLogLog(), b = try HyperLogLog()
        for i in 0..<50_000 { a.add(Double(i)); a.add(Double(i)) }
        for i in 25_000..<75_000 { b.add(Double(i)) }
        try a.merge(b)
        #expect(abs(a.estimate - 75_000) / 75_000 <= 3 * a.standardError)
        #expect(throws: StatsError.self) { try a.merge(try HyperLogLog(precision: 12)) }
        #expect(throws: StatsError.self) { try HyperLogLog(precision: 3) }
    }

    /// The estimate reads a rank histogram kept up to date by `add` and `merge`; it must equal Ertl's
    /// estimator recomputed from the registers themselves (bit for bit), after adds, a merge and a
    /// serialization round trip.
    @Test("HyperLogLog's incremental rank histogram gives the same estimate as a register scan")
    func hllHistogram() throws {
        var rng = SplitMix(state: 77)
        var a = try HyperLogLog(precision: 10), b = try HyperLogLog(precision: 10)
        var added = 0
        for n in [0, 1, 10, 300, 3_000, 30_000] {
            while added < n {
                a.add(hash: StableHash.mix(rng.next()))
                added += 1
            }
            #expect(a.estimate == a.registerScanEstimate(), "after \(n) adds")
        }
        for _ in 0..<5_000 { b.add(hash: StableHash.mix(rng.next())) }
        try a.merge(b)
        #expect(a.estimate == a.registerScanEstimate())
        let copy = try HyperLogLog(serialized: a.serialized())
        #expect(copy == a)
        #expect(copy.estimate == a.estimate)
    }

    @Test("KLL rank error within the documented bound", arguments: [100_000, 1_000_000])
    func kllRankError(_ n: Int) throws {
        var s = try KLLSketch(k: 200)
        var rng = SplitMix(state: UInt64(n))
        var values = [Double]()
        values.reserveCapacity(n)
        for _ in 0..<n { let x = rng.normal(); values.append(x); s.add(x) }
        values.sort()
        let view = s.weightedView()
        var worst = 0.0
        for q in stride(from: 0.01, through: 0.99, by: 0.01) {
            let x = values[Int(q * Double(n))]
            let trueRank = Double(Quantile.countLessOrEqual(values, x)) / Double(n)
            worst = max(worst, abs(view.cdf(x) - trueRank))
        }
        #expect(worst <= KLLSketch.documentedRankError(k: 200), "worst rank error \(worst)")
        #expect(s.count == n)
        #expect(s.retained < 1_000, "retained \(s.retained)")
    }

    @Test("merged KLL sketches answer like one sketch over all values")
    func kllMerge() throws {
        var a = try KLLSketch(k: 200), b = try KLLSketch(k: 200, seed: 99)
        var rng = SplitMix(state: 5)
        var all = [Double]()
        for i in 0..<200_000 { let x = rng.normal() + (i % 2 == 0 ? 0 : 3); all.append(x); if i % 2 == 0 { a.add(x) } else { b.add(x) } }
        a.merge(b)
        all.sort()
        #expect(a.count == 200_000)
        #expect(a.min == all.first && a.max == all.last)
        let median = a.quantile(0.5) ?? .nan
        let rank = Double(Quantile.countLessOrEqual(all, median)) / Double(all.count)
        #expect(abs(rank - 0.5) <= KLLSketch.documentedRankError(k: 200))
    }

    @Test("KS and Wasserstein from a sketch are close to the exact values")
    func sketchDistances() throws {
        var rng = SplitMix(state: 11)
        let ref = (0..<5_000).map { _ in rng.normal() }.sorted()
        let cur = (0..<300_000).map { _ in rng.normal() * 1.2 + 0.3 }
        var s = try KLLSketch(k: 200)
        cur.forEach { s.add($0) }
        let exactRef = EmpiricalCDF(sorted: ref), exactCur = EmpiricalCDF(sorted: cur.sorted())
        let eps = KLLSketch.documentedRankError(k: 200)
        #expect(abs(exactRef.ksStatistic(s.weightedView()) - exactRef.ksStatistic(exactCur)) <= eps)
        let range = (cur.max() ?? 0) - (cur.min() ?? 0)
        #expect(abs(exactRef.wasserstein(s.weightedView()) - exactRef.wasserstein(exactCur)) <= eps * range)
    }
}

@Suite("Welford and decayed sums")
struct MomentTests {
    @Test("Welford merge equals a single pass")
    func welfordMerge() {
        var rng = SplitMix(state: 3)
        let xs = (0..<100_001).map { _ in rng.normal() * 10 + 1e6 }
        var single = Welford()
        xs.forEach { single.add($0) }
        var parts = [Welford](repeating: Welford(), count: 7)
        for (i, x) in xs.enumerated() { parts[i % 7].add(x) }
        var merged = Welford()
        parts.forEach { merged.merge($0) }
        #expect(merged.count == single.count)
        #expect(abs(merged.mean - single.mean) <= 1e-9 * abs(single.mean))
        #expect(abs(merged.sampleVariance - single.sampleVariance) <= 1e-9 * single.sampleVariance)
        #expect(abs(merged.populationVariance - single.populationVariance) <= 1e-9 * single.populationVariance)
        #expect(merged.min == single.min && merged.max == single.max)
    }

    @Test("Welford sample vs population variance")
    func welfordVariance() {
        var w = Welford()
        [2, 4, 4, 4, 5, 5, 7, 9].forEach { w.add($0) }
        #expect(w.populationVariance == 4)
        #expect(abs(w.sampleVariance - 32.0 / 7.0) < 1e-15)
    }

    @Test("decayed sum halves after one half-life and is order independent")
    func decayed() throws {
        var d = try DecayedSum(halfLife: 10)
        d.add(8, at: 0)
        #expect(d.sum(at: 10) == 4)
        #expect(d.sum(at: 30) == 1)
        var a = try DecayedSum(halfLife: 10), b = try DecayedSum(halfLife: 10)
        a.add(1, at: 0); a.add(3, at: 20)
        b.add(3, at: 20); b.add(1, at: 0)
        #expect(abs(a.sum - b.sum) < 1e-15 && abs(a.weight - b.weight) < 1e-15)
        #expect(abs((a.mean ?? 0) - (1 * 0.25 + 3) / 1.25) < 1e-12)
        var c = try DecayedSum(halfLife: 10)
        c.add(1, at: 0)
        var e = try DecayedSum(halfLife: 10)
        e.add(3, at: 20)
        try c.merge(e)
        #expect(abs(c.sum - a.sum) < 1e-15)
        #expect(throws: StatsError.self) { try c.merge(try DecayedSum(halfLife: 5)) }
        #expect(throws: StatsError.self) { try DecayedSum(halfLife: 0) }
    }
}

extension HyperLogLog {
    /// Ertl's estimator computed the original way, from a scan of every register.
    func registerScanEstimate() -> Double {
        let q = 64 - precision
        let m = Double(registers.count)
        var c = [Double](repeating: 0, count: q + 2)
        for r in registers { c[Int(r)] += 1 }
        var z = m * Self.tau(1 - c[q + 1] / m)
        var k = q
        while k >= 1 { z = 0.5 * (z + c[k]); k -= 1 }
        z += m * Self.sigma(c[0] / m)
        return m * m / (2 * log(2.0)) / z
    }
}
