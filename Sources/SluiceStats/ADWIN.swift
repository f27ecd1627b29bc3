import Foundation

/// ADWIN (adaptive windowing), a port of River 0.26.1's `AdaptiveWindowing` (exponential histogram of buckets).
public struct ADWIN: StreamingDetector {
    public var name: String { "ADWIN" }
    public let delta: Double
    public let clock: Int
    public let maxBuckets: Int
    public let minWindowLength: Int
    public let gracePeriod: Int

    private var total = 0.0
    /// Sum of squared deviations (River's `variance`).
    public private(set) var varianceSumSq = 0.0
    public private(set) var width = 0.0
    private var tick = 0
    /// rows[r]: buckets (total, variance) of 2^r items each, oldest first.
    private var rows: [[(t: Double, v: Double)]] = [[]]
    private var drifted = false

    /// River defaults: delta 0.002, clock 32, max_buckets 5, min_window_length 5, grace_period 10.
    public init(delta: Double = 0.002, clock: Int = 32, maxBuckets: Int = 5, minWindowLength: Int = 5, gracePeriod: Int = 10) {
        self.delta = delta; self.clock = clock; self.maxBuckets = maxBuckets
        self.minWindowLength = minWindowLength; self.gracePeriod = gracePeriod
    }

    /// From River parameter names: delta, clock, max_buckets, min_window_length, grace_period.
    public init(params: [String: Double]) throws(StatsError) {
        let p = try DetectorParams("ADWIN", params, allowed: ["delta", "clock", "max_buckets", "min_window_length", "grace_period"])
        self.init(delta: try p.double("delta", 0.002) { $0 > 0 && $0 < 1 }, clock: try p.int("clock", 32, min: 1),
                  maxBuckets: try p.int("max_buckets", 5, min: 1), minWindowLength: try p.int("min_window_length", 5, min: 1),
                  gracePeriod: try p.int("grace_period", 10, min: 0))
    }

    /// Mean of the current window.
    public var estimation: Double { width > 0 ? total / width : 0 }

    public mutating func update(_ x: Double) -> DetectorSignal {
        if drifted { self = ADWIN(delta: delta, clock: clock, maxBuckets: maxBuckets, minWindowLength: minWindowLength, gracePeriod: gracePeriod) }
        insert(x)
        compress()
        drifted = detect()
        return drifted ? .drift : .none
    }

    private mutating func insert(_ x: Double) {
        rows[0].append((x, 0))
        width += 1
        if width > 1 {
            let d = x - total / (width - 1)
            varianceSumSq += (width - 1) * d * d / width
        }
        total += x
    }

    private mutating func compress() {
        var r = 0
        while rows[r].count == maxBuckets + 1 {
            let n1 = Double(1 << r)
            let (b0, b1) = (rows[r][0], rows[r][1])
            let mu1 = b0.t / n1, mu2 = b1.t / n1
            let merged = (t: b0.t + b1.t, v: b0.v + b1.v + n1 * 0.5 * (mu1 - mu2) * (mu1 - mu2))
            if r + 1 >= rows.count { rows.append([]) }
            rows[r + 1].append(merged)
            rows[r].removeFirst(2)
            if rows[r + 1].count <= maxBuckets { break }
            r += 1
        }
    }

    private mutating func detect() -> Bool {
        tick += 1
        guard tick % clock == 0 && width > Double(gracePeriod) else { return false }
        var change = false
        var reduce = true
        while reduce {
            reduce = false
            var n0 = 0.0, n1 = width, u0 = 0.0, u1 = total
            scan: for r in stride(from: rows.count - 1, through: 0, by: -1) {
                let size = Double(1 << r)
                for k in 0..<rows[r].count {
                    n0 += size; n1 -= size
                    u0 += rows[r][k].t; u1 -= rows[r][k].t
                    if r == 0 && k == rows[r].count - 1 { break scan }
                    if n1 >= Double(minWindowLength) && n0 >= Double(minWindowLength) && cut(n0, n1, u0 / n0 - u1 / n1) {
                        reduce = true; change = true
                        if width > 0 { deleteOldest(); break scan }
                    }
                }
            }
        }
        return change
    }

    private func cut(_ n0: Double, _ n1: Double, _ dm: Double) -> Bool {
        let dp = log(2 * log(width) / delta)
        let mwl = Double(minWindowLength)
        let m = 1 / (n0 - mwl + 1) + 1 / (n1 - mwl + 1)
        let eps = (2 * m * (varianceSumSq / width) * dp).squareRoot() + 2.0 / 3.0 * dp * m
        return abs(dm) > eps
    }

    private mutating func deleteOldest() {
        let last = rows.count - 1
        let n = Double(1 << last)
        let b = rows[last][0]
        let mu = b.t / n
        width -= n
        total -= b.t
        let mw = total / width
        varianceSumSq -= b.v + n * width * (mu - mw) * (mu - mw) / (n + width)
        rows[last].removeFirst()
        if rows[last].isEmpty { rows.removeLast() }
        if rows.isEmpty { rows = [[]] }
    }
}
