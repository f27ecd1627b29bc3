/// What a metric family is: its Prometheus name, help text, type, label names and (for histograms) buckets.
///
/// Descriptors are values so that the catalogue (``SluiceMetrics``) can be listed, documented and checked
/// against dashboards without a registry.
public struct MetricDescriptor: Sendable, Hashable {
    /// The Prometheus metric type.
    public enum Kind: String, Sendable, Hashable {
        case counter
        case gauge
        case histogram
    }

    public var name: String
    public var help: String
    public var kind: Kind
    /// Label names in the order label values are passed to the registry.
    public var labelNames: [String]
    /// Upper bounds of histogram buckets, ascending, without `+Inf` (added when rendering).
    public var buckets: [Double]

    public init(name: String, help: String, kind: Kind, labelNames: [String] = [], buckets: [Double] = []) {
        self.name = name
        self.help = help
        self.kind = kind
        self.labelNames = labelNames
        self.buckets = kind == .histogram ? buckets.sorted() : []
    }

    public static func counter(_ name: String, _ help: String, labels: [String] = []) -> MetricDescriptor {
        MetricDescriptor(name: name, help: help, kind: .counter, labelNames: labels)
    }

    public static func gauge(_ name: String, _ help: String, labels: [String] = []) -> MetricDescriptor {
        MetricDescriptor(name: name, help: help, kind: .gauge, labelNames: labels)
    }

    public static func histogram(
        _ name: String, _ help: String, labels: [String] = [], buckets: [Double]
    ) -> MetricDescriptor {
        MetricDescriptor(name: name, help: help, kind: .histogram, labelNames: labels, buckets: buckets)
    }

    /// The sample names this family produces in the exposition format
    /// (`name`, or `name_bucket`, `name_sum`, `name_count` for a histogram).
    public var sampleNames: [String] {
        kind == .histogram ? [name + "_bucket", name + "_sum", name + "_count"] : [name]
    }

    /// Why this descriptor is not a valid Prometheus family, or `nil` when it is.
    public var validationProblem: String? {
        guard Self.isValidName(name, allowColon: true) else { return "invalid metric name '\(name)'" }
        for label in labelNames {
            guard Self.isValidName(label, allowColon: false), !label.hasPrefix("__") else {
                return "invalid label name '\(label)' on \(name)"
            }
            if kind == .histogram && label == "le" { return "histogram \(name) may not use the label 'le'" }
        }
        if Set(labelNames).count != labelNames.count { return "duplicate label name on \(name)" }
        if kind == .histogram && (buckets.isEmpty || buckets.contains { !$0.isFinite }) {
            return "histogram \(name) needs finite buckets"
        }
        return nil
    }

    private static func isValidName(_ s: String, allowColon: Bool) -> Bool {
        guard let first = s.utf8.first else { return false }
        func isLetter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || (allowColon && c == 58) }
        guard isLetter(first) else { return false }
        return s.utf8.allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) }
    }
}
