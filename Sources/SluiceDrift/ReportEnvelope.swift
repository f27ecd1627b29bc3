import Foundation
import SluiceCore
import SluiceStats

/// The published report: the `DriftReport` JSON (docs/drift.md §6) plus a `performance` object when the
/// operator tracks model performance.
public struct ReportEnvelope: Sendable, Codable, Equatable {
    public var report: DriftReport
    public var performance: PerformanceMetrics?

    public init(report: DriftReport, performance: PerformanceMetrics? = nil) {
        self.report = report
        self.performance = performance
    }

    enum ExtraKeys: String, CodingKey { case performance }

    public func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var c = encoder.container(keyedBy: ExtraKeys.self)
        try c.encodeIfPresent(performance, forKey: .performance)
    }

    public init(from decoder: any Decoder) throws {
        report = try DriftReport(from: decoder)
        performance = try decoder.container(keyedBy: ExtraKeys.self).decodeIfPresent(PerformanceMetrics.self, forKey: .performance)
    }

    /// Key-sorted compact JSON; non-finite numbers (which JSON cannot hold) are written as strings.
    public func json() throws -> [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return Array(try enc.encode(self))
    }

    /// Decodes `json()` output.
    public static func decode(_ bytes: [UInt8]) throws -> ReportEnvelope {
        let dec = JSONDecoder()
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try dec.decode(ReportEnvelope.self, from: Data(bytes))
    }
}

/// The report as record fields (same names and nesting as the JSON), for the operator's main output.
enum ReportFields {
    static func fields(_ r: DriftReport, performance: PerformanceMetrics?) -> Fields {
        var f = Fields()
        f.reserveCapacity(14)
        f.append("report_id", .string(r.reportId))
        f.append("topology", .string(r.topology))
        f.append("operator", .string(r.operator))
        f.append("model_version", r.modelVersion.map(Value.string) ?? .null)
        f.append("reference_profile_id", .string(r.referenceProfileId))
        f.append("window_start", .int(r.windowStart))
        f.append("window_end", .int(r.windowEnd))
        f.append("n", .int(Int64(r.n)))
        f.append("features", .array(r.features.map { .object(feature($0)) }))
        f.append("dataset_drift", .bool(r.datasetDrift))
        f.append("drift_share", .double(r.driftShare))
        f.append("drift_share_threshold", .double(r.driftShareThreshold))
        f.append("detector_alarms", .array(r.detectorAlarms.map { .object(alarm($0)) }))
        if let p = performance { f.append("performance", .object(metrics(p))) }
        return f
    }

    static func feature(_ d: FeatureDrift) -> Fields {
        var f: Fields = ["name": .string(d.name), "type": .string(d.type.rawValue), "test": .string(d.test.rawValue),
                         "statistic": .double(d.statistic), "threshold": .double(d.threshold), "drifted": .bool(d.drifted)]
        if let v = d.pValue { f.append("p_value", .double(v)) }
        if let v = d.missingRate { f.append("missing_rate", .double(v)) }
        if let v = d.referenceMissingRate { f.append("reference_missing_rate", .double(v)) }
        if let v = d.missingRatePValue { f.append("missing_rate_p_value", .double(v)) }
        if let v = d.missingRateDrifted { f.append("missing_rate_drifted", .bool(v)) }
        if let v = d.newCategories { f.append("new_categories", .array(v.map(Value.string))) }
        return f
    }

    static func alarm(_ a: DetectorAlarm) -> Fields {
        var f: Fields = ["detector": .string(a.detector), "metric": .string(a.metric), "signal": .string(a.signal.rawValue),
                         "index": .int(Int64(a.index))]
        if let at = a.at { f.append("at", .int(at)) }
        return f
    }

    static func metrics(_ m: PerformanceMetrics) -> Fields {
        var f: Fields = ["n": .int(Int64(m.n))]
        let pairs: [(String, Double?)] = [("accuracy", m.accuracy), ("precision", m.precision), ("recall", m.recall), ("f1", m.f1),
                                          ("auc", m.auc), ("log_loss", m.logLoss), ("brier", m.brier), ("mae", m.mae),
                                          ("rmse", m.rmse), ("threshold", m.threshold)]
        for (k, v) in pairs { if let v { f.append(k, .double(v)) } }
        if let s = m.aucSampled { f.append("auc_sampled", .bool(s)) }
        return f
    }
}
