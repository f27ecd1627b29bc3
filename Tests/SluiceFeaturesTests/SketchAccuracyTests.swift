import Foundation
import SluiceCore
import Testing
@testable import SluiceFeatures

@Suite("Sketch-backed aggregates stay within their documented error")
struct SketchAccuracyTests {
    @Test("distinct: exact up to 2^p/8 values, then within 4 standard errors", arguments: [10, 64, 512, 1_000, 50_000])
    func distinct(_ n: Int) throws {
        let p = 12
        let e = try FeatureEngine(.init(
            aggregates: [AggregateSpec("d", .distinct(precision: p), of: .field("v"), window: .tumbling(size: 1_000_000))],
            emit: .onClose))  // no watermark: nothing closes; only lookup reads the values
        let k = Array("k".utf8)
        for i in 0..<(2 * n) { _ = e.process(Record(fields: ["v": .string("user-\(i % n)")]), key: k, eventTime: Int64(i)) }
        let got = try #require(e.lookup(k)["d"]?.asDouble)
        if n <= DistinctAcc.sparseLimit(precision: p) {
            #expect(got == Double(n))
        } else {
            let stdErr = 1.04 / Double(1 << p).squareRoot()
            #expect(abs(got - Double(n)) / Double(n) <= 4 * stdErr)
        }
    }

    @Test("quantile: exact up to k values, then within the KLL rank error", arguments: [0.5, 0.95, 0.99])
    func quantile(_ q: Double) throws {
        let k = 200
        let e = try FeatureEngine(.init(aggregates: [
            AggregateSpec("small", .quantile(q: q, k: k), of: .field("v"), window: .count(150)),
            AggregateSpec("big", .quantile(q: q, k: k), of: .field("v"), window: .sliding(1_000_000)),
        ], emit: .onClose))
        let key = Array("k".utf8)
        var rng = SeededRandom(seed: 5)
        let n = 20_000
        var values: [Double] = []
        for i in 0..<n {
            let v = Double(rng.int(0...1_000_000))
            values.append(v)
            _ = e.process(Record(fields: ["v": .double(v)]), key: key, eventTime: Int64(i))
        }
        let got = e.lookup(key)
        let last = values.suffix(150).sorted()
        let idx = (0..<last.count).first { Double($0 + 1) / Double(last.count) >= q }!
        #expect(got["small"] == .double(last[idx]))
        let sorted = values.sorted()
        let big = try #require(got["big"]?.asDouble)
        let rank = Double(sorted.firstIndex { $0 >= big }!) / Double(n)
        #expect(abs(rank - q) <= 2 * 2.296 / pow(Double(k), 0.9723))
    }
}
