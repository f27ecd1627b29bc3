import SluiceCore

/// Computes features over historical data through the streaming code path.
///
/// `run` feeds the records to the engine in event-time order (a stable sort, so equal times keep their
/// input order) and, with `flush`, finally advances the watermark to the end of time so every window
/// closes. Guarantee: for the same events and configuration, a stream with no late records yields the
/// same on-close windows, and — if the stream also arrived in event-time order — the same per-event
/// values; backfill is the stream as if it had arrived in order.
public enum Backfill {
    public struct Event: Sendable {
        public var record: Record
        public var key: [UInt8]
        public var eventTime: Int64
        public init(record: Record, key: [UInt8], eventTime: Int64) {
            self.record = record
            self.key = key
            self.eventTime = eventTime
        }
    }

    /// Runs `events` through `engine`; returns every output in order. Pass `flush: false` to keep the
    /// engine's windows open, e.g. to serve `lookup` values as of the last event or to continue with
    /// live data; after a flush every window has closed and lookups see empty windows.
    public static func run(_ events: [Event], engine: FeatureEngine, flush: Bool = true) -> [FeatureOutput] {
        let sorted = events.enumerated().sorted {
            $0.element.eventTime != $1.element.eventTime ? $0.element.eventTime < $1.element.eventTime : $0.offset < $1.offset
        }
        var out: [FeatureOutput] = []
        out.reserveCapacity(events.count)
        for (_, e) in sorted { engine.process(e.record, key: e.key, eventTime: e.eventTime, into: &out) }
        if flush { out.append(contentsOf: engine.advanceWatermark(to: .max)) }
        return out
    }
}
