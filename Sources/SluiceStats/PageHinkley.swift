/// Page–Hinkley test, as River 0.26.1 implements it (note its initial max of the decrease sum is -1).
public struct PageHinkley: StreamingDetector {
    /// Which direction of change raises drift.
    public enum Mode: Int, Sendable { case both = 0, up = 1, down = 2 }

    public var name: String { "PageHinkley" }
    public let minInstances: Int
    public let delta: Double
    public let threshold: Double
    public let alpha: Double
    public let mode: Mode

    public private(set) var n = 0.0
    public private(set) var mean = 0.0
    public private(set) var sumIncrease = 0.0
    public private(set) var sumDecrease = 0.0
    public private(set) var minIncrease = Double.infinity
    public private(set) var maxDecrease = -1.0
    private var drifted = false

    /// River defaults: min_instances 30, delta 0.005, threshold 50, alpha 0.9999, mode both.
    public init(minInstances: Int = 30, delta: Double = 0.005, threshold: Double = 50, alpha: Double = 1 - 0.0001, mode: Mode = .both) {
        self.minInstances = minInstances; self.delta = delta; self.threshold = threshold; self.alpha = alpha; self.mode = mode
    }

    /// From River names: min_instances, delta, threshold, alpha, mode (0 both, 1 up, 2 down).
    public init(params: [String: Double]) throws(StatsError) {
        let p = try DetectorParams("PageHinkley", params, allowed: ["min_instances", "delta", "threshold", "alpha", "mode"])
        let modeRaw = try p.int("mode", 0)
        guard let mode = Mode(rawValue: modeRaw) else {
            throw StatsError(.invalidParameter, "PageHinkley mode must be 0 (both), 1 (up) or 2 (down)", context: ["mode": "\(modeRaw)"])
        }
        self.init(minInstances: try p.int("min_instances", 30, min: 1), delta: try p.double("delta", 0.005),
                  threshold: try p.double("threshold", 50) { $0 > 0 }, alpha: try p.double("alpha", 1 - 0.0001) { $0 > 0 && $0 <= 1 },
                  mode: mode)
    }

    public mutating func update(_ x: Double) -> DetectorSignal {
        if drifted { self = PageHinkley(minInstances: minInstances, delta: delta, threshold: threshold, alpha: alpha, mode: mode) }
        n += 1
        mean += (1 / n) * (x - mean)
        let dev = x - mean
        sumIncrease = alpha * sumIncrease + dev - delta
        sumDecrease = alpha * sumDecrease + dev + delta
        if sumIncrease < minIncrease { minIncrease = sumIncrease }
        if sumDecrease > maxDecrease { maxDecrease = sumDecrease }
        if n >= Double(minInstances) {
            let up = sumIncrease - minIncrease > threshold
            let down = maxDecrease - sumDecrease > threshold
            switch mode {
            case .up: drifted = up
            case .down: drifted = down
            case .both: drifted = up || down
            }
        }
        return drifted ? .drift : .none
    }
}
