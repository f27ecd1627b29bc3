/// Drift Detection Method (Gama et al.) for a binary error stream, as River 0.26.1 implements it.
public struct DDM: StreamingDetector {
    public var name: String { "DDM" }
    public let warmStart: Int
    public let warningThreshold: Double
    public let driftThreshold: Double

    public private(set) var n = 0.0
    /// Running error rate p_i.
    public private(set) var errorRate = 0.0
    public private(set) var pMin: Double?
    public private(set) var sMin: Double?
    private var psMin = Double.infinity
    private var drifted = false
    private var warning = false

    /// River defaults: warm_start 30, warning_threshold 2, drift_threshold 3.
    public init(warmStart: Int = 30, warningThreshold: Double = 2, driftThreshold: Double = 3) {
        self.warmStart = warmStart; self.warningThreshold = warningThreshold; self.driftThreshold = driftThreshold
    }

    /// From River names: warm_start, warning_threshold, drift_threshold.
    public init(params: [String: Double]) throws(StatsError) {
        let p = try DetectorParams("DDM", params, allowed: ["warm_start", "warning_threshold", "drift_threshold"])
        self.init(warmStart: try p.int("warm_start", 30), warningThreshold: try p.double("warning_threshold", 2) { $0 > 0 },
                  driftThreshold: try p.double("drift_threshold", 3) { $0 > 0 })
    }

    /// - Parameter x: 1 for an error, 0 for a correct prediction.
    public mutating func update(_ x: Double) -> DetectorSignal {
        if drifted { self = DDM(warmStart: warmStart, warningThreshold: warningThreshold, driftThreshold: driftThreshold) }
        n += 1
        errorRate += (1 / n) * (x - errorRate)
        let p = errorRate
        let s = (p * (1 - p) / n).squareRoot()
        if n > Double(warmStart) {
            if p + s <= psMin { pMin = p; sMin = s; psMin = p + s }
            let pm = pMin ?? p, sm = sMin ?? s
            warning = p + s > pm + warningThreshold * sm
            if p + s > pm + driftThreshold * sm { drifted = true; warning = false }
        }
        if drifted { return .drift }
        return warning ? .warning : .none
    }
}
