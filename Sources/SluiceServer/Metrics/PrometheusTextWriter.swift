import Foundation

/// Builds Prometheus text exposition format 0.0.4.
struct PrometheusTextWriter {
    /// The `Content-Type` a scraper expects for this format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private(set) var text = ""

    mutating func header(_ d: MetricDescriptor) {
        text += "# HELP \(d.name) \(Self.escapeHelp(d.help))\n# TYPE \(d.name) \(d.kind.rawValue)\n"
    }

    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: UInt64) {
        line(name, labels, String(value))
    }

    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        line(name, labels, Self.format(value))
    }

    mutating func histogram(_ d: MetricDescriptor, _ labels: [(String, String)], _ h: Histogram) {
        let snap = h.snapshot()
        for (i, cumulative) in snap.cumulative.enumerated() {
            let le = i < h.upperBounds.count ? Self.format(h.upperBounds[i]) : "+Inf"
            line(d.name + "_bucket", labels + [("le", le)], String(cumulative))
        }
        line(d.name + "_sum", labels, Self.format(snap.sum))
        line(d.name + "_count", labels, String(snap.count))
    }

    private mutating func line(_ name: String, _ labels: [(String, String)], _ value: String) {
        text += name
        if !labels.isEmpty {
            text += "{"
            for (i, (k, v)) in labels.enumerated() {
                if i > 0 { text += "," }
                text += k + "=\"" + Self.escapeLabel(v) + "\""
            }
            text += "}"
        }
        text += " " + value + "\n"
    }

    /// Go-compatible float text: integers without a fraction, `+Inf`, `-Inf`, `NaN`.
    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    static func escapeLabel(_ s: String) -> String {
        guard s.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return s }
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }

    static func escapeHelp(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}
