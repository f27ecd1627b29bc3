import Foundation
import Testing
import SluiceStats

@Suite("Binary serialisation round trips")
struct SerializationTests {
    @Test("Welford, DecayedSum, HyperLogLog, KLL and BinnedHistogram round trip")
    func roundTrips() throws {
        var w = Welford()
        [1.5, -2, 7].forEach { w.add($0) }
        #expect(try Welford(serialized: w.serialized()) == w)

        var d = try DecayedSum(halfLife: 60_000)
        d.add(3, at: 1_000); d.add(4, at: 5_000)
        #expect(try DecayedSum(serialized: d.serialized()) == d)

        var h = try HyperLogLog(precision: 12)
        for i in 0..<10_000 { h.add("user-\(i)") }
        let h2 = try HyperLogLog(serialized: h.serialized())
        #expect(h2 == h && h2.estimate == h.estimate)

        var k = try KLLSketch(k: 64)
        for i in 0..<50_000 { k.add(Double(i % 977)) }
        var k2 = try KLLSketch(serialized: k.serialized())
        #expect(k2 == k)
        // The restored sketch continues identically (same levels and coin state).
        k.add(5); k2.add(5)
        #expect(k2 == k)

        var b = BinnedHistogram(edges: [0, 1, 2])
        b.add(contentsOf: [-1, 0, 0.5, 1, 3, .nan])
        #expect(b.counts == [2, 2, 0, 1])
        #expect(try BinnedHistogram(serialized: b.serialized()) == b)
    }

    @Test("encoding is little-endian with a magic and version header")
    func layout() {
        var w = Welford()
        w.add(1)
        let bytes = w.serialized()
        #expect(Array(bytes[0..<4]) == Array("WELF".utf8))
        #expect(bytes[4] == 1)
        #expect(Array(bytes[5..<13]) == [1, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test("corrupt, truncated and future-version input is rejected")
    func rejects() throws {
        var k = try KLLSketch()
        for i in 0..<1000 { k.add(Double(i)) }
        var bytes = k.serialized()
        #expect(throws: StatsError.self) { try KLLSketch(serialized: Array(bytes.dropLast(3))) }
        #expect(throws: StatsError.self) { try Welford(serialized: bytes) }
        bytes[4] = 9
        do {
            _ = try KLLSketch(serialized: bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unsupportedVersion)
        }
        #expect(throws: StatsError.self) { try HyperLogLog(serialized: Array("HLL1".utf8) + [1, 14]) }
    }
}
