import Foundation
import SluiceCore
import SluiceStats
@testable import SluiceDrift

/// In-memory `KeyedStateStore` for checkpoint tests.
final class MemoryStore: KeyedStateStore {
    var data: [[UInt8]: [UInt8]] = [:]
    func get(_ key: [UInt8]) -> [UInt8]? { data[key] }
    func put(_ key: [UInt8], _ value: [UInt8], timestamp: Int64) throws { data[key] = value }
    func delete(_ key: [UInt8]) throws { data[key] = nil }
    func forEach(_ body: ([UInt8], [UInt8]) throws -> Void) rethrows {
        for k in data.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) { try body(k, data[k]!) }
    }
}

/// Seeded generator (SplitMix64) with normal and categorical draws.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func normal(mean: Double = 0, std: Double = 1) -> Double {
        let u1 = max(uniform(), 1e-300), u2 = uniform()
        return mean + std * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
    mutating func pick(_ cats: [String], _ probs: [Double]) -> String {
        var u = uniform()
        for (c, p) in zip(cats, probs) { if u < p { return c }; u -= p }
        return cats.last!
    }
}

/// A synthetic stream of four features; from `shiftAt` on, `a` moves by one std and `c`'s proportions flip.
enum Synthetic {
    static let cats = ["x", "y", "z"]
    static let before = [0.5, 0.3, 0.2], after = [0.2, 0.3, 0.5]

    static func row(_ rng: inout TestRandom, shifted: Bool) -> (a: Double, b: Double, d: Double, c: String) {
        (rng.normal(mean: shifted ? 1 : 0), rng.normal(mean: 5, std: 2), rng.normal(mean: -3, std: 0.5),
         rng.pick(cats, shifted ? after : before))
    }

    static func profile(n: Int = 5000, seed: UInt64 = 1) throws -> ReferenceProfile {
        var rng = TestRandom(seed: seed)
        var a: [Double?] = [], b: [Double?] = [], d: [Double?] = [], c: [String?] = []
        for _ in 0..<n { let r = row(&rng, shifted: false); a.append(r.a); b.append(r.b); d.append(r.d); c.append(r.c) }
        return try ProfileBuilder().build(numeric: ["a": a, "b": b, "d": d], categorical: ["c": c])
    }

    /// Records with event times `start + i * step`.
    static func records(_ rng: inout TestRandom, count: Int, shifted: Bool, start: Int64, step: Int64 = 1,
                        headers: [Header] = []) -> [Record] {
        (0..<count).map { i in
            let r = row(&rng, shifted: shifted)
            return Record(fields: ["a": .double(r.a), "b": .double(r.b), "c": .string(r.c), "d": .double(r.d)],
                          headers: headers, timestamp: 0, eventTime: start + Int64(i) * step)
        }
    }
}

func context(watermark: Int64 = .min) -> OperatorContext { OperatorContext(partition: 0, processingTime: 0, watermark: watermark) }

/// Reports published to `topic`, decoded.
func reports(_ out: OperatorOutput, topic: String = "reports") throws -> [ReportEnvelope] {
    try out.published.filter { $0.topic == topic }.map { try ReportEnvelope.decode($0.value) }
}

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/drift/batch")
