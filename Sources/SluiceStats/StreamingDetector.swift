/// What a streaming detector reports after one update.
public enum DetectorSignal: String, Sendable, Codable, Equatable {
    case none, warning, drift
}

/// A concept-drift detector fed one value at a time (River 0.26.1 semantics): after an update that
/// reports `.drift`, the next update first resets the detector to its freshly constructed state.
public protocol StreamingDetector: Sendable {
    /// Processes one value and reports the detector's state after it.
    mutating func update(_ x: Double) -> DetectorSignal
    /// River's class name (ADWIN, PageHinkley, DDM, KSWIN).
    var name: String { get }
}

/// Builds detectors by River class name with River parameter names.
public enum DetectorFactory {
    /// Known detector names (case-insensitive; `page_hinkley` is accepted for PageHinkley).
    public static let names = ["ADWIN", "PageHinkley", "DDM", "KSWIN"]

    /// - Parameters:
    ///   - name: `ADWIN`, `PageHinkley`, `DDM` or `KSWIN`.
    ///   - params: River parameter names; PageHinkley `mode` is 0 = both, 1 = up, 2 = down; KSWIN `seed` is an integer.
    /// - Throws: `unknownDetector`, `unknownParameter` (with the accepted names), `invalidParameter`.
    public static func make(_ name: String, params: [String: Double] = [:]) throws(StatsError) -> any StreamingDetector {
        switch name.lowercased().replacingOccurrences(of: "_", with: "") {
        case "adwin": return try ADWIN(params: params)
        case "pagehinkley", "ph": return try PageHinkley(params: params)
        case "ddm": return try DDM(params: params)
        case "kswin": return try KSWIN(params: params)
        default:
            throw StatsError(.unknownDetector, "unknown detector '\(name)'; use one of \(names.joined(separator: ", "))",
                             context: ["detector": name])
        }
    }
}

/// Validates a parameter dictionary against the names a detector accepts.
struct DetectorParams {
    let detector: String
    let params: [String: Double]

    init(_ detector: String, _ params: [String: Double], allowed: [String]) throws(StatsError) {
        for key in params.keys.sorted() where !allowed.contains(key) {
            throw StatsError(.unknownParameter, "\(detector) has no parameter '\(key)'; accepted: \(allowed.joined(separator: ", "))",
                             context: ["detector": detector, "parameter": key])
        }
        self.detector = detector
        self.params = params
    }

    func double(_ key: String, _ def: Double, _ valid: (Double) -> Bool = { $0.isFinite }) throws(StatsError) -> Double {
        guard let v = params[key] else { return def }
        guard valid(v) else {
            throw StatsError(.invalidParameter, "\(detector) parameter '\(key)' has an invalid value \(v)",
                             context: ["detector": detector, "parameter": key])
        }
        return v
    }

    func int(_ key: String, _ def: Int, min: Int = 0) throws(StatsError) -> Int {
        guard let v = params[key] else { return def }
        guard v.isFinite, v == v.rounded(), v >= Double(min), v < 9.0e15 else {
            throw StatsError(.invalidParameter, "\(detector) parameter '\(key)' must be an integer >= \(min), got \(v)",
                             context: ["detector": detector, "parameter": key])
        }
        return Int(v)
    }
}
