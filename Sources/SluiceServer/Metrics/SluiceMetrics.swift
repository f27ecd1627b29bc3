/// The catalogue of metrics Sluice exposes on `/metrics` (documented in docs/operations.md).
///
/// The engine resolves handles once per task and increments them per batch:
/// ```swift
/// let recordsIn = registry.counter(SluiceMetrics.recordsIn, "validate")
/// recordsIn.increment(by: batch.count)
/// ```
public enum SluiceMetrics {
    /// Latency buckets in seconds for per-record and per-batch timings (0.1 ms to 10 s).
    public static let latencyBuckets: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]
    /// Buckets in seconds for checkpoints, which take milliseconds to minutes.
    public static let checkpointBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

    public static let recordsIn = MetricDescriptor.counter(
        "sluice_records_in_total", "Records received by an operator.", labels: ["operator"])
    public static let recordsOut = MetricDescriptor.counter(
        "sluice_records_out_total", "Records emitted by an operator.", labels: ["operator"])
    public static let deadLetters = MetricDescriptor.counter(
        "sluice_dead_letters_total", "Records sent to the dead-letter topic, by operator and error code.",
        labels: ["operator", "reason"])
    public static let consumerLag = MetricDescriptor.gauge(
        "sluice_consumer_lag", "Messages between the consumer position and the partition's high watermark.",
        labels: ["topic", "partition"])
    public static let processingLatency = MetricDescriptor.histogram(
        "sluice_processing_latency_seconds", "Time from a record's arrival in a batch to its output being produced.",
        buckets: latencyBuckets)
    public static let watermarkDelay = MetricDescriptor.gauge(
        "sluice_watermark_delay_seconds", "Processing time minus the event-time watermark of a partition.",
        labels: ["partition"])
    public static let lateRecords = MetricDescriptor.counter(
        "sluice_late_records_total", "Records that arrived after their window closed.", labels: ["operator"])
    public static let checkpointDuration = MetricDescriptor.histogram(
        "sluice_checkpoint_duration_seconds", "Wall time of completed checkpoints.", buckets: checkpointBuckets)
    public static let checkpointBytes = MetricDescriptor.gauge(
        "sluice_checkpoint_bytes", "Bytes written by the last completed checkpoint.")
    public static let checkpointAge = MetricDescriptor.gauge(
        "sluice_checkpoint_age_seconds", "Seconds since the last completed checkpoint.")
    public static let stateKeys = MetricDescriptor.gauge(
        "sluice_state_keys", "Keys held in an operator's state store.", labels: ["operator"])
    public static let modelLatency = MetricDescriptor.histogram(
        "sluice_model_latency_seconds", "Time to score one batch with a model.", labels: ["model"],
        buckets: latencyBuckets)
    public static let modelActiveVersion = MetricDescriptor.gauge(
        "sluice_model_active_version", "1 for the version of each model currently serving predictions.",
        labels: ["model", "version"])
    public static let driftStatistic = MetricDescriptor.gauge(
        "sluice_drift_statistic", "Latest drift test statistic of a feature (PSI, KS distance, ...).",
        labels: ["operator", "feature", "test"])
    public static let driftDetected = MetricDescriptor.gauge(
        "sluice_drift_detected", "1 while drift is detected on a feature, else 0.", labels: ["operator", "feature"])

    /// Every metric family, in documentation order.
    public static let all: [MetricDescriptor] = [
        recordsIn, recordsOut, deadLetters, consumerLag, processingLatency, watermarkDelay, lateRecords,
        checkpointDuration, checkpointBytes, checkpointAge, stateKeys, modelLatency, modelActiveVersion,
        driftStatistic, driftDetected,
    ]
}
