import SluiceServer
import Testing

@Suite("Metrics registry and Prometheus text")
struct MetricsRegistryTests {
    /// The value of one sample line (`name{labels} value`) in rendered text, or nil.
    static func sample(_ text: String, _ series: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return String(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test("counters move with increments, per label set")
    func counters() {
        let registry = MetricsRegistry.sluice()
        let validate = registry.counter(SluiceMetrics.recordsIn, "validate")
        validate.increment(by: 500)
        validate.increment()
        registry.counter(SluiceMetrics.recordsIn, "score").increment(by: 2)
        // Resolving again yields the same series.
        registry.counter(SluiceMetrics.recordsIn, "validate").increment(by: 9)
        let text = registry.render()
        #expect(Self.sample(text, #"sluice_records_in_total{operator="validate"}"#) == "510")
        #expect(Self.sample(text, #"sluice_records_in_total{operator="score"}"#) == "2")
        #expect(text.contains("# HELP sluice_records_in_total Records received by an operator.\n# TYPE sluice_records_in_total counter\n"))
    }

    @Test("every catalogued family is declared with HELP and TYPE before any sample")
    func catalogueDeclared() {
        let text = MetricsRegistry.sluice().render()
        for d in SluiceMetrics.all {
            #expect(text.contains("# TYPE \(d.name) \(d.kind.rawValue)\n"), "\(d.name)")
            #expect(d.validationProblem == nil)
        }
    }

    @Test("gauges set and add; labels are escaped")
    func gauges() {
        let registry = MetricsRegistry.sluice()
        let lag = registry.gauge(SluiceMetrics.consumerLag, "pay\"ments\\x\ny", "3")
        lag.set(1200)
        lag.add(-200.5)
        let text = registry.render()
        #expect(Self.sample(text, #"sluice_consumer_lag{topic="pay\"ments\\x\ny",partition="3"}"#) == "999.5")
    }

    @Test("histograms render cumulative buckets, sum and count")
    func histograms() {
        let registry = MetricsRegistry()
        let d = MetricDescriptor.histogram("test_latency_seconds", "t", labels: ["model"], buckets: [0.1, 1])
        let h = registry.histogram(d, "fraud")
        h.observe(0.05)
        h.observe(contentsOf: [0.5, 0.7, 3])
        h.observe(0.1, occurrences: 2)
        let text = registry.render()
        #expect(Self.sample(text, #"test_latency_seconds_bucket{model="fraud",le="0.1"}"#) == "3")
        #expect(Self.sample(text, #"test_latency_seconds_bucket{model="fraud",le="1"}"#) == "5")
        #expect(Self.sample(text, #"test_latency_seconds_bucket{model="fraud",le="+Inf"}"#) == "6")
        #expect(Self.sample(text, #"test_latency_seconds_count{model="fraud"}"#) == "6")
        let sum = Double(Self.sample(text, #"test_latency_seconds_sum{model="fraud"}"#) ?? "")
        #expect(sum.map { abs($0 - 4.45) < 1e-9 } == true)
    }

    @Test("the active model version replaces the previous one")
    func activeModelVersion() {
        let registry = MetricsRegistry.sluice()
        registry.setActiveModelVersion(model: "fraud", version: "v1")
        registry.setActiveModelVersion(model: "churn", version: "a")
        registry.setActiveModelVersion(model: "fraud", version: "v2")
        let text = registry.render()
        #expect(Self.sample(text, #"sluice_model_active_version{model="fraud",version="v2"}"#) == "1")
        #expect(Self.sample(text, #"sluice_model_active_version{model="churn",version="a"}"#) == "1")
        #expect(!text.contains(#"version="v1""#))
    }

    @Test("collectors refresh scrape-time gauges")
    func collectors() {
        let registry = MetricsRegistry.sluice()
        let age = registry.gauge(SluiceMetrics.checkpointAge)
        let ticks = registry.counter(MetricDescriptor.counter("test_collections_total", "t"))
        registry.onCollect {
            ticks.increment()
            age.set(Double(ticks.value) * 10)
        }
        _ = registry.render()
        let text = registry.render()
        #expect(Self.sample(text, "sluice_checkpoint_age_seconds") == "20")
    }

    @Test("concurrent increments are not lost")
    func concurrency() async {
        let registry = MetricsRegistry.sluice()
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<8 {
                group.addTask {
                    let c = registry.counter(SluiceMetrics.deadLetters, "validate", t.isMultiple(of: 2) ? "MISSING_FIELD" : "DECODE")
                    let g = registry.gauge(SluiceMetrics.stateKeys, "window")
                    let h = registry.histogram(SluiceMetrics.processingLatency)
                    for _ in 0..<1000 {
                        c.increment()
                        g.add(1)
                        h.observe(0.001)
                    }
                }
            }
        }
        let text = registry.render()
        #expect(Self.sample(text, #"sluice_dead_letters_total{operator="validate",reason="MISSING_FIELD"}"#) == "4000")
        #expect(Self.sample(text, #"sluice_dead_letters_total{operator="validate",reason="DECODE"}"#) == "4000")
        #expect(Self.sample(text, #"sluice_state_keys{operator="window"}"#) == "8000")
        #expect(Self.sample(text, "sluice_processing_latency_seconds_count") == "8000")
    }

    @Test("removed series disappear from the output")
    func removal() {
        let registry = MetricsRegistry.sluice()
        registry.gauge(SluiceMetrics.consumerLag, "payments", "0").set(1)
        registry.gauge(SluiceMetrics.consumerLag, "payments", "1").set(2)
        registry.removeSeries(SluiceMetrics.consumerLag) { $0[1] == "0" }
        let text = registry.render()
        #expect(Self.sample(text, #"sluice_consumer_lag{topic="payments",partition="0"}"#) == nil)
        #expect(Self.sample(text, #"sluice_consumer_lag{topic="payments",partition="1"}"#) == "2")
    }

    @Test("invalid descriptors are reported", arguments: [
        MetricDescriptor.counter("1bad", "x"),
        MetricDescriptor.gauge("ok", "x", labels: ["bad-label"]),
        MetricDescriptor.histogram("h", "x", labels: ["le"], buckets: [1]),
        MetricDescriptor.histogram("h", "x", buckets: []),
        MetricDescriptor.gauge("ok", "x", labels: ["a", "a"]),
    ])
    func invalid(descriptor: MetricDescriptor) {
        #expect(descriptor.validationProblem != nil)
    }
}
