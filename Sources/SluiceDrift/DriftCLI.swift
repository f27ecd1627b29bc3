import Foundation
import SluiceStats

/// The offline drift commands behind `sluice drift profile|compare|detect`: pure functions over CSV files.
///
/// ```swift
/// let profile = try DriftCLI.profile(csvPath: "reference.csv", features: ["amount", "country"], outputPath: "profile.json")
/// let report = try DriftCLI.compare(referenceCSV: "reference.csv", currentCSV: "today.csv")
/// print(DriftReportRenderer.render(report, color: true))
/// ```
public enum DriftCLI {
    /// Builds a reference profile from a CSV (header + `,`-separated rows; numeric when every non-empty cell
    /// parses as a number) and, when `outputPath` is given, writes it as pretty JSON.
    /// - Parameter features: columns to profile (nil = every column).
    /// - Throws: `io`, `invalidConfig` (bad CSV), `unknownFeature`.
    public static func profile(csvPath: String, features: [String]? = nil, outputPath: String? = nil) throws(DriftError) -> ReferenceProfile {
        let cols = try readCSV(csvPath)
        let names = try select(features, from: cols, path: csvPath)
        let profile: ReferenceProfile
        do {
            profile = try ProfileBuilder().build(numeric: cols.numeric.filter { names.contains($0.key) },
                                                 categorical: cols.categorical.filter { names.contains($0.key) })
        } catch {
            throw DriftError(.invalidConfig, error.message, context: ["path": csvPath])
        }
        if let outputPath {
            do { try profile.jsonData().write(to: URL(fileURLWithPath: outputPath)) } catch {
                throw DriftError(.io, "cannot write profile: \(error.localizedDescription)", context: ["path": outputPath])
            }
        }
        return profile
    }

    /// Reads and checks a profile JSON file. - Throws: `io`, `corruptState` (bad JSON, version or id).
    public static func loadProfile(path: String) throws(DriftError) -> ReferenceProfile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DriftError(.io, "cannot read profile: \(error.localizedDescription)", context: ["path": path])
        }
        do { return try ReferenceProfile.decode(data) } catch {
            throw DriftError(.corruptState, error.message, context: ["path": path])
        }
    }

    /// Compares a current CSV with a reference CSV (exact statistics on the raw columns).
    /// - Throws: `io`, `unknownFeature`, `typeMismatch`, `invalidConfig`.
    public static func compare(referenceCSV: String, currentCSV: String, features: [String]? = nil, config: DriftConfig = .standard,
                               context: WindowContext = defaultContext) throws(DriftError) -> DriftReport {
        try compare(profile: try profile(csvPath: referenceCSV, features: features), currentCSV: currentCSV, config: config, context: context)
    }

    /// Compares a current CSV with a reference profile on every profiled feature.
    public static func compare(profile: ReferenceProfile, currentCSV: String, config: DriftConfig = .standard,
                               context: WindowContext = defaultContext) throws(DriftError) -> DriftReport {
        let cur = try readCSV(currentCSV)
        var numeric: [String: [Double?]] = [:], categorical: [String: [String?]] = [:]
        for f in profile.features {
            switch (f.type, cur.numeric[f.name], cur.categorical[f.name]) {
            case (.numeric, let col?, _): numeric[f.name] = col
            case (.categorical, _, let col?): categorical[f.name] = col
            // An all-empty column parses as numeric; it is simply all missing.
            case (.categorical, let col?, _) where col.allSatisfy({ $0 == nil }): categorical[f.name] = col.map { _ in nil }
            case (_, nil, nil):
                throw DriftError(.unknownFeature, "current data has no column '\(f.name)'", context: ["feature": f.name, "path": currentCSV])
            default:
                throw DriftError(.typeMismatch, "column '\(f.name)' is \(f.type.rawValue) in the reference but not in the current data",
                                 context: ["feature": f.name, "path": currentCSV])
            }
        }
        do {
            return try DriftComparator(profile: profile, config: config).compare(numeric: numeric, categorical: categorical, context: context)
        } catch {
            throw DriftError(.invalidConfig, error.message, context: ["path": currentCSV])
        }
    }

    /// Context used for offline reports.
    public static let defaultContext = WindowContext(topology: "offline", operator: "compare", windowStart: 0, windowEnd: 0)

    /// Runs a streaming detector over a CSV's `value` column (or its only column); empty cells are skipped.
    /// - Returns: the 0-based data rows where the detector reported `.warning` or `.drift`.
    /// - Throws: `io`, `invalidConfig` (unknown detector or parameter, no usable column).
    public static func detect(detector name: String, params: [String: Double] = [:], inputCSV: String) throws(DriftError) -> [(index: Int, signal: DetectorSignal)] {
        let cols = try readCSV(inputCSV)
        let column = cols.names.contains("value") ? "value" : (cols.names.count == 1 ? cols.names[0] : nil)
        guard let column else {
            throw DriftError(.invalidConfig, "detector input needs a 'value' column or a single column; found \(cols.names.joined(separator: ", "))",
                             context: ["path": inputCSV])
        }
        guard let values = cols.numeric[column] else {
            throw DriftError(.typeMismatch, "column '\(column)' is not numeric", context: ["path": inputCSV, "column": column])
        }
        var detector: any StreamingDetector
        do { detector = try DetectorFactory.make(name, params: params) } catch {
            throw DriftError(.invalidConfig, error.message, context: ["detector": name])
        }
        var out: [(index: Int, signal: DetectorSignal)] = []
        for (i, v) in values.enumerated() {
            guard let x = v else { continue }
            let s = detector.update(x)
            if s != .none { out.append((i, s)) }
        }
        return out
    }

    static func readCSV(_ path: String) throws(DriftError) -> CSVColumns {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw DriftError(.io, "cannot read CSV: \(error.localizedDescription)", context: ["path": path])
        }
        do { return try CSVColumns(text: text) } catch {
            throw DriftError(.invalidConfig, error.message, context: error.context.merging(["path": path]) { $1 })
        }
    }

    static func select(_ features: [String]?, from cols: CSVColumns, path: String) throws(DriftError) -> Set<String> {
        guard let features else { return Set(cols.names) }
        for f in features where !cols.names.contains(f) {
            throw DriftError(.unknownFeature, "CSV has no column '\(f)'; columns: \(cols.names.joined(separator: ", "))",
                             context: ["feature": f, "path": path])
        }
        return Set(features)
    }
}
