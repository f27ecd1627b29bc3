import Foundation
import SluiceStats

/// Terminal renderings of a `DriftReport`: a table (feature, test, statistic, p-value, threshold, verdict),
/// the dataset verdict and the detector alarms; and a one-line summary for logs.
///
/// ```swift
/// print(DriftReportRenderer.render(report, color: isatty(1) == 1))
/// ```
public enum DriftReportRenderer {
    static let red = "\u{1B}[31;1m", green = "\u{1B}[32m", yellow = "\u{1B}[33m", reset = "\u{1B}[0m"

    /// A multi-line table; with `color`, drifted verdicts are red, others green, alarms yellow.
    public static func render(_ r: DriftReport, performance: PerformanceMetrics? = nil, color: Bool = false) -> String {
        func paint(_ s: String, _ c: String) -> String { color ? c + s + reset : s }
        var lines: [String] = []
        var head = "drift report \(r.reportId)  \(r.topology)/\(r.operator)  reference \(r.referenceProfileId)"
        if let v = r.modelVersion { head += "  model \(v)" }
        lines.append(head)
        lines.append("window \(time(r.windowStart)) .. \(time(r.windowEnd))  n = \(r.n)")
        lines.append("")
        let header = ["feature", "type", "test", "statistic", "p-value", "threshold", "verdict"]
        var rows: [[String]] = [header]
        var notes: [String] = []
        for f in r.features {
            rows.append([f.name, f.type.rawValue, f.test.rawValue, num(f.statistic), f.pValue.map(num) ?? "-", num(f.threshold),
                         f.drifted ? "DRIFT" : "ok"])
            if let new = f.newCategories, !new.isEmpty { notes.append("\(f.name): new categories \(new.joined(separator: ", "))") }
            if f.missingRateDrifted == true {
                notes.append("\(f.name): missing rate \(num(f.missingRate ?? 0)) vs reference \(num(f.referenceMissingRate ?? 0)) (p = \(num(f.missingRatePValue ?? 1)))")
            }
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        for (i, row) in rows.enumerated() {
            var cells = row.enumerated().map { c, s in
                c == row.count - 1 ? s : pad(s, widths[c], left: c >= 3)
            }
            if i > 0 { cells[6] = paint(cells[6], row[6] == "DRIFT" ? red : green) }
            lines.append(cells.joined(separator: "  ").trimmingTrailingSpaces())
        }
        for n in notes { lines.append("  note: " + n) }
        lines.append("")
        let drifted = r.driftedFeatures.count
        let verdict = r.datasetDrift ? paint("DATASET DRIFT", red) : paint("no dataset drift", green)
        lines.append("dataset: \(verdict) (\(drifted) of \(r.features.count) features drifted, share \(num(r.driftShare)), threshold \(num(r.driftShareThreshold)))")
        if let p = performance { lines.append("performance: " + describe(p)) }
        if r.detectorAlarms.isEmpty {
            lines.append("alarms: none")
        } else {
            lines.append("alarms:")
            for a in r.detectorAlarms {
                let text = "\(a.detector) \(a.signal.rawValue) on \(a.metric) at record \(a.index)" + (a.at.map { " (\(time($0)))" } ?? "")
                lines.append("  " + paint(text, a.signal == .drift ? red : yellow))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line: window, n, verdict, drifted features and alarm count.
    public static func renderCompact(_ r: DriftReport) -> String {
        let names = r.driftedFeatures
        let verdict = r.datasetDrift ? "DATASET DRIFT" : "no dataset drift"
        let list = names.isEmpty ? "" : " [\(names.joined(separator: ", "))]"
        return "\(r.topology)/\(r.operator) window [\(r.windowStart), \(r.windowEnd)) n=\(r.n): \(verdict), "
            + "\(names.count)/\(r.features.count) drifted\(list), alarms=\(r.detectorAlarms.count), report \(r.reportId)"
    }

    static func describe(_ p: PerformanceMetrics) -> String {
        let pairs: [(String, Double?)] = [("accuracy", p.accuracy), ("precision", p.precision), ("recall", p.recall), ("f1", p.f1),
                                          ("auc", p.auc), ("log_loss", p.logLoss), ("brier", p.brier), ("mae", p.mae), ("rmse", p.rmse)]
        let parts = pairs.compactMap { k, v in v.map { "\(k) \(num($0))" } }
        return (["n \(p.n)"] + parts).joined(separator: ", ") + (p.aucSampled == true ? " (auc on a sample)" : "")
    }

    /// Four significant digits; scientific notation for very small or large magnitudes.
    static func num(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == 0 { return "0" }
        let a = abs(x)
        return a < 1e-3 || a >= 1e6 ? String(format: "%.3e", x) : String(format: "%.4g", x)
    }

    /// ISO 8601 UTC for epoch milliseconds; the raw number for 0 (offline reports have no window).
    static func time(_ ms: Int64) -> String {
        guard ms != 0 else { return "0" }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    static func pad(_ s: String, _ w: Int, left: Bool) -> String {
        let fill = String(repeating: " ", count: max(0, w - s.count))
        return left ? fill + s : s + fill
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
