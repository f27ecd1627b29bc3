/// Kolmogorov–Smirnov windowing detector (River 0.26.1): compares the last `statSize` values with a random
/// sample of the older part of a `windowSize` window, using the exact two-sample KS p-value.
public struct KSWIN: StreamingDetector {
    public var name: String { "KSWIN" }
    public let alpha: Double
    public let windowSize: Int
    public let statSize: Int
    /// nil draws a random seed at construction and at each reset (River's `seed=None`).
    public let seed: UInt32?

    private var window: [Double] = []
    private var rng: PythonRandom
    private var drifted = false
    /// p-value of the last test (nil before the window is full).
    public private(set) var lastPValue: Double?

    /// River defaults: alpha 0.005, window_size 100, stat_size 30, seed nil.
    public init(alpha: Double = 0.005, windowSize: Int = 100, statSize: Int = 30, seed: UInt32? = nil) throws(StatsError) {
        guard alpha > 0, alpha < 1 else { throw StatsError(.invalidParameter, "KSWIN alpha must be in (0, 1)", context: ["alpha": "\(alpha)"]) }
        guard statSize > 0, windowSize - statSize >= statSize else {
            throw StatsError(.invalidParameter, "KSWIN needs window_size - stat_size >= stat_size > 0",
                             context: ["window_size": "\(windowSize)", "stat_size": "\(statSize)"])
        }
        self.alpha = alpha; self.windowSize = windowSize; self.statSize = statSize; self.seed = seed
        rng = PythonRandom(seed: seed ?? UInt32.random(in: .min ... .max))
        window.reserveCapacity(windowSize + 1)
    }

    /// From River names: alpha, window_size, stat_size, seed (an integer in 0..<2^32).
    public init(params: [String: Double]) throws(StatsError) {
        let p = try DetectorParams("KSWIN", params, allowed: ["alpha", "window_size", "stat_size", "seed"])
        var seed: UInt32?
        if params["seed"] != nil {
            let s = try p.int("seed", 0)
            guard s <= Int(UInt32.max) else { throw StatsError(.invalidParameter, "KSWIN seed must be < 2^32", context: ["seed": "\(s)"]) }
            seed = UInt32(s)
        }
        try self.init(alpha: try p.double("alpha", 0.005), windowSize: try p.int("window_size", 100, min: 2),
                      statSize: try p.int("stat_size", 30, min: 1), seed: seed)
    }

    public mutating func update(_ x: Double) -> DetectorSignal {
        if drifted {
            window.removeAll(keepingCapacity: true)
            rng = PythonRandom(seed: seed ?? UInt32.random(in: .min ... .max))
            drifted = false
        }
        window.append(x)
        if window.count > windowSize { window.removeFirst() }
        guard window.count >= windowSize else { return .none }
        let idx = rng.sample(rangeOf: windowSize - statSize, count: statSize)
        let rnd = idx.map { window[$0] }.sorted()
        let recent = window[(windowSize - statSize)...].sorted()
        let d = KolmogorovSmirnov.statistic(sortedReference: rnd, sortedCurrent: recent).d
        let (p, st, _) = KolmogorovSmirnov.pValue(d: d, n1: statSize, n2: statSize, method: .auto)
        lastPValue = p
        drifted = p <= alpha && st > 0.1
        return drifted ? .drift : .none
    }
}
