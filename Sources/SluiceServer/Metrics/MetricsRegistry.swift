import Foundation

/// A thread-safe set of metric families that renders the Prometheus text exposition format 0.0.4.
///
/// Hand-written rather than swift-metrics + swift-prometheus: the engine needs pre-resolved handles it can
/// bump from its task threads (one atomic add), tests need independent registries (swift-metrics has one
/// process-wide bootstrap), and the catalogue must be listable for docs and dashboard checks.
///
/// ```swift
/// let registry = MetricsRegistry.sluice()
/// let lag = registry.gauge(SluiceMetrics.consumerLag, "payments", "3")
/// lag.set(1_200)
/// print(registry.render())
/// ```
public final class MetricsRegistry: @unchecked Sendable {
    enum Series {
        case counter(Counter)
        case gauge(Gauge)
        case histogram(Histogram)
    }

    final class Family {
        let descriptor: MetricDescriptor
        var series: [[String]: Series] = [:]
        init(_ descriptor: MetricDescriptor) { self.descriptor = descriptor }
    }

    private let lock = NSLock()
    // Guarded by `lock`.
    private var families: [String: Family] = [:]
    private var collectors: [@Sendable () -> Void] = []

    public init() {}

    /// A registry with every family of ``SluiceMetrics`` declared, so `/metrics` lists them from the start.
    public static func sluice() -> MetricsRegistry {
        let registry = MetricsRegistry()
        for descriptor in SluiceMetrics.all { registry.register(descriptor) }
        return registry
    }

    /// Declares a family. Declaring the same descriptor twice is harmless; a different descriptor under
    /// an existing name is a programming error.
    public func register(_ descriptor: MetricDescriptor) {
        lock.lock()
        defer { lock.unlock() }
        _ = family(for: descriptor)
    }

    /// The counter for these label values (in `descriptor.labelNames` order), created on first use.
    public func counter(_ descriptor: MetricDescriptor, _ labelValues: String...) -> Counter {
        counter(descriptor, labelValues: labelValues)
    }

    public func counter(_ descriptor: MetricDescriptor, labelValues: [String]) -> Counter {
        precondition(descriptor.kind == .counter, "\(descriptor.name) is not a counter")
        guard case .counter(let c) = series(descriptor, labelValues, make: { .counter(Counter()) }) else {
            preconditionFailure("\(descriptor.name) holds a different metric type")
        }
        return c
    }

    public func gauge(_ descriptor: MetricDescriptor, _ labelValues: String...) -> Gauge {
        gauge(descriptor, labelValues: labelValues)
    }

    public func gauge(_ descriptor: MetricDescriptor, labelValues: [String]) -> Gauge {
        precondition(descriptor.kind == .gauge, "\(descriptor.name) is not a gauge")
        guard case .gauge(let g) = series(descriptor, labelValues, make: { .gauge(Gauge()) }) else {
            preconditionFailure("\(descriptor.name) holds a different metric type")
        }
        return g
    }

    public func histogram(_ descriptor: MetricDescriptor, _ labelValues: String...) -> Histogram {
        histogram(descriptor, labelValues: labelValues)
    }

    public func histogram(_ descriptor: MetricDescriptor, labelValues: [String]) -> Histogram {
        precondition(descriptor.kind == .histogram, "\(descriptor.name) is not a histogram")
        let made = series(descriptor, labelValues, make: { .histogram(Histogram(upperBounds: descriptor.buckets)) })
        guard case .histogram(let h) = made else {
            preconditionFailure("\(descriptor.name) holds a different metric type")
        }
        return h
    }

    /// Removes the series whose label values match `predicate` (a revoked partition, a replaced model
    /// version). Handles already held keep working but are no longer rendered.
    public func removeSeries(_ descriptor: MetricDescriptor, where predicate: ([String]) -> Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard let family = families[descriptor.name] else { return }
        for key in family.series.keys where predicate(key) { family.series[key] = nil }
    }

    /// Marks `version` as the serving version of `model`: its `sluice_model_active_version` series is 1
    /// and series of other versions of that model are removed.
    public func setActiveModelVersion(model: String, version: String) {
        removeSeries(SluiceMetrics.modelActiveVersion) { $0[0] == model && $0[1] != version }
        gauge(SluiceMetrics.modelActiveVersion, model, version).set(1)
    }

    /// Runs `body` before every render, to refresh values computed at scrape time
    /// (for example `sluice_checkpoint_age_seconds`). Collectors must not call `render()`.
    public func onCollect(_ body: @escaping @Sendable () -> Void) {
        lock.lock()
        collectors.append(body)
        lock.unlock()
    }

    /// The whole registry in Prometheus text format 0.0.4 (families and series sorted for stable output).
    public func render() -> String {
        lock.lock()
        let runCollectors = collectors
        lock.unlock()
        for collect in runCollectors { collect() }

        lock.lock()
        let snapshot = families.values.map { ($0.descriptor, $0.series) }
        lock.unlock()
        // Reading values happens outside the registry lock: handles are individually thread-safe.
        var out = PrometheusTextWriter()
        for (descriptor, series) in snapshot.sorted(by: { $0.0.name < $1.0.name }) {
            out.header(descriptor)
            for (labels, value) in series.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                let pairs = Array(zip(descriptor.labelNames, labels))
                switch value {
                case .counter(let c): out.sample(descriptor.name, pairs, c.value)
                case .gauge(let g): out.sample(descriptor.name, pairs, g.value)
                case .histogram(let h): out.histogram(descriptor, pairs, h)
                }
            }
        }
        return out.text
    }

    /// Must be called with `lock` held.
    private func family(for descriptor: MetricDescriptor) -> Family {
        if let existing = families[descriptor.name] {
            precondition(existing.descriptor == descriptor, "metric \(descriptor.name) registered twice differently")
            return existing
        }
        if let problem = descriptor.validationProblem { preconditionFailure(problem) }
        let family = Family(descriptor)
        families[descriptor.name] = family
        return family
    }

    private func series(_ descriptor: MetricDescriptor, _ labelValues: [String], make: () -> Series) -> Series {
        precondition(
            labelValues.count == descriptor.labelNames.count,
            "\(descriptor.name) takes labels \(descriptor.labelNames), got \(labelValues.count) values")
        lock.lock()
        defer { lock.unlock() }
        let family = family(for: descriptor)
        if let existing = family.series[labelValues] { return existing }
        let created = make()
        family.series[labelValues] = created
        return created
    }
}
