import Foundation

/// HyperLogLog distinct counter with 2^p registers and a 64-bit hash (`StableHash`).
///
/// Standard error ≈ 1.04 / sqrt(2^p) (p = 14: 0.81 %). Uses Ertl's improved estimator (2017), which is
/// unbiased across the whole range without empirical bias tables. Mergeable when precisions match.
public struct HyperLogLog: Sendable, Equatable, ByteSerializable {
    /// Number of index bits (4...18).
    public let precision: Int
    private(set) var registers: [UInt8]
    /// How many registers hold each rank 0...q+1 (q = 64 − p). Ertl's estimator reads only this, so it
    /// is kept up to date as registers change: an estimate costs O(q) instead of a scan of all 2^p
    /// registers (which per-event feature values would pay on every event).
    private(set) var rankCounts: [UInt32]

    /// Creates an empty counter. - Throws: `invalidParameter` unless 4 <= p <= 18.
    public init(precision: Int = 14) throws(StatsError) {
        guard (4...18).contains(precision) else {
            throw StatsError(.invalidParameter, "HyperLogLog precision must be in 4...18", context: ["precision": "\(precision)"])
        }
        self.precision = precision
        registers = [UInt8](repeating: 0, count: 1 << precision)
        rankCounts = [UInt32](repeating: 0, count: 64 - precision + 2)
        rankCounts[0] = UInt32(1 << precision)
    }

    /// Documented relative standard error, 1.04 / sqrt(2^p).
    public var standardError: Double { 1.04 / Double(1 << precision).squareRoot() }

    /// Adds an already-hashed 64-bit value (must be well mixed).
    @inline(__always)
    public mutating func add(hash h: UInt64) {
        let idx = Int(h >> UInt64(64 - precision))
        let rest = h << UInt64(precision)
        let q = 64 - precision
        let rank = UInt8(min(rest.leadingZeroBitCount, q) + 1)
        if rank > registers[idx] { raise(idx, to: rank) }
    }

    @inline(__always)
    private mutating func raise(_ idx: Int, to rank: UInt8) {
        rankCounts[Int(registers[idx])] -= 1
        rankCounts[Int(rank)] += 1
        registers[idx] = rank
    }

    public mutating func add(_ x: Double) { add(hash: StableHash.hash(x)) }
    public mutating func add(_ s: String) { add(hash: StableHash.hash(s)) }

    /// Union with another counter of the same precision.
    public mutating func merge(_ o: HyperLogLog) throws(StatsError) {
        guard o.precision == precision else {
            throw StatsError(.invalidParameter, "cannot merge HyperLogLogs of different precision",
                             context: ["lhs": "\(precision)", "rhs": "\(o.precision)"])
        }
        for i in 0..<registers.count where o.registers[i] > registers[i] { raise(i, to: o.registers[i]) }
    }

    /// Estimated number of distinct values.
    public var estimate: Double {
        let q = 64 - precision
        let m = Double(registers.count)
        let c = rankCounts
        var z = m * Self.tau(1 - Double(c[q + 1]) / m)
        var k = q
        while k >= 1 { z = 0.5 * (z + Double(c[k])); k -= 1 }
        z += m * Self.sigma(Double(c[0]) / m)
        return m * m / (2 * log(2.0)) / z
    }

    static func sigma(_ x0: Double) -> Double {
        if x0 == 1 { return .infinity }
        var x = x0, y = 1.0, z = x0
        while true {
            x *= x
            let old = z
            z += x * y
            y += y
            if z == old { return z }
        }
    }

    static func tau(_ x0: Double) -> Double {
        if x0 == 0 || x0 == 1 { return 0 }
        var x = x0, y = 1.0, z = 1 - x0
        while true {
            x = x.squareRoot()
            let old = z
            y *= 0.5
            z -= (1 - x) * (1 - x) * y
            if z == old { return z / 3 }
        }
    }

    static let magic = "HLL1"
    public func serialized() -> [UInt8] {
        var w = ByteWriter(magic: Self.magic, version: 1)
        w.u8(UInt8(precision))
        w.raw(registers)
        return w.bytes
    }

    public init(serialized bytes: [UInt8]) throws(StatsError) {
        var r = try ByteReader(bytes, magic: Self.magic, supported: 1...1)
        try self.init(precision: Int(try r.u8()))
        let regs = try r.raw()
        try r.finish()
        guard regs.count == registers.count, regs.allSatisfy({ Int($0) <= 65 - precision }) else {
            throw StatsError(.corruptEncoding, "HyperLogLog registers do not match the precision")
        }
        for (i, r) in regs.enumerated() where r > 0 { raise(i, to: r) }
    }
}
