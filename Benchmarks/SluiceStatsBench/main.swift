// Micro-benchmark: WindowAccumulator cost per record per feature next to a loop that only sums the values.
// Run: swift run -c release SluiceStatsBench [records]
import Foundation
import SluiceStats

struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

let n = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 5_000_000 : 5_000_000
var rng = SplitMix(state: 42)
// Log-normal-ish amounts with 1 % missing (NaN).
let values: [Double] = (0..<n).map { _ in
    rng.unit() < 0.01 ? .nan : exp(3.5 + 0.8 * (rng.unit() + rng.unit() + rng.unit() - 1.5) * 2)
}
let profile = ProfileBuilder().numericProfile(name: "amount", values: values.prefix(10_000).map { $0.isNaN ? nil : $0 })

func measure(_ label: String, _ body: () -> Double) -> Double {
    var best = Duration.seconds(1_000)
    var sink = 0.0
    for _ in 0..<5 {
        let t0 = ContinuousClock.now
        sink += body()
        best = min(best, ContinuousClock.now - t0)
    }
    let ns = Double(best.components.seconds) * 1e9 + Double(best.components.attoseconds) / 1e9
    let per = ns / Double(n)
    print(label.padding(toLength: 36, withPad: " ", startingAt: 0) + String(format: "%8.2f ns/record  (best of 5, n=%d, check=%.3g)", per, n, sink))
    return per
}

let baseline = measure("baseline: sum values") {
    var s = 0.0
    values.withUnsafeBufferPointer { for x in $0 where !x.isNaN { s += x } }
    return s
}
let histogram = measure("BinnedHistogram.add") {
    var h = BinnedHistogram(edges: profile.binEdges ?? [])
    h.add(contentsOf: values)
    return Double(h.total)
}
let kll = measure("KLLSketch.add (k=200)") {
    var k = KLLSketch(clampedK: 200)
    values.withUnsafeBufferPointer { for x in $0 { k.add(x) } }
    return Double(k.retained)
}
let welford = measure("Welford.add") {
    var w = Welford()
    values.withUnsafeBufferPointer { for x in $0 where !x.isNaN { w.add(x) } }
    return w.mean
}
let acc = measure("WindowAccumulator.add(contentsOf:)") {
    var a = WindowAccumulator(profile: profile)
    a.add(contentsOf: values)
    return Double(a.storageFootprint)
}
let hll = measure("HyperLogLog.add (p=14)") {
    var h = try! HyperLogLog(precision: 14)
    values.withUnsafeBufferPointer { for x in $0 { h.add(x) } }
    return h.estimate
}
print(String(format: "WindowAccumulator overhead over baseline: %.2f ns/record/feature (goal <= 100 ns)", acc - baseline))
_ = (histogram, kll, welford, hll)

// Accuracy figures at 1e6 values (same run), for the docs.
do {
    let m = 1_000_000
    var r = SplitMix(state: 7)
    var sk = KLLSketch(clampedK: 200)
    var hll = try! HyperLogLog(precision: 14)
    var xs = [Double]()
    xs.reserveCapacity(m)
    for _ in 0..<m { let x = r.unit(); xs.append(x); sk.add(x); hll.add(x) }
    xs.sort()
    let view = sk.weightedView()
    var worst = 0.0
    for q in stride(from: 0.01, through: 0.99, by: 0.01) {
        let x = xs[Int(q * Double(m))]
        worst = max(worst, abs(view.cdf(x) - Double(Quantile.countLessOrEqual(xs, x)) / Double(m)))
    }
    print(String(format: "KLL k=200, n=1e6: worst rank error %.4f (documented %.4f), retained %d values",
                 worst, KLLSketch.documentedRankError(k: 200), sk.retained))
    print(String(format: "HLL p=14, n=1e6: relative error %.4f (standard error %.4f)",
                 abs(hll.estimate - Double(m)) / Double(m), hll.standardError))
}
