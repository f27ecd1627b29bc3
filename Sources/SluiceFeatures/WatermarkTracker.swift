/// The event-time watermark of one partition (one task), with an idle rule.
///
/// Rules, all times in epoch milliseconds:
/// - **Normal**: `watermark = max event time seen − maxOutOfOrder`.
/// - **Idle**: when no record has *arrived* for `idleTimeout` of processing time, a call to
///   `tick(processingTime: now)` raises the watermark to `now − maxOutOfOrder`, so windows close even if
///   the partition goes quiet. A record "arrives" at the `processingTime` given to `observe`; when none is
///   given, at the processing time of the first `tick` after it (so idleness is then detected at most one
///   tick interval late). Processing time must be on the same clock as event time (epoch ms).
/// - The watermark never goes backwards; before any record or idle advance it is `Int64.min`.
///
/// The idle rule trades completeness for liveness: after an idle advance, records whose event time is far
/// behind wall-clock time become late. Disable it (`idleTimeout: nil`) for replays of old data.
public struct WatermarkTracker: Sendable, Hashable {
    public var maxOutOfOrder: Int64
    public var idleTimeout: Int64?
    /// The current watermark (`Int64.min` until the first record).
    public private(set) var watermark: Int64 = .min
    /// The largest event time observed (`Int64.min` until the first record).
    public private(set) var maxEventTime: Int64 = .min
    /// Processing time of the latest arrival, once known.
    public private(set) var lastArrival: Int64?
    /// A record arrived whose processing time is not known yet (it becomes the next tick's time).
    public private(set) var arrivalPending = false

    /// - Parameters:
    ///   - maxOutOfOrder: how far behind the newest event an event may be and still be on time (ms, ≥ 0).
    ///   - idleTimeout: processing time without records after which the idle rule applies (ms), or nil.
    public init(maxOutOfOrder: Int64, idleTimeout: Int64? = nil) {
        self.maxOutOfOrder = max(0, maxOutOfOrder)
        self.idleTimeout = idleTimeout
    }

    /// Records an event; returns the (possibly advanced) watermark.
    @discardableResult
    public mutating func observe(eventTime: Int64, processingTime: Int64? = nil) -> Int64 {
        if eventTime > maxEventTime {
            maxEventTime = eventTime
            watermark = max(watermark, TimeMath.sub(eventTime, maxOutOfOrder))
        }
        if let processingTime {
            lastArrival = processingTime
            arrivalPending = false
        } else {
            arrivalPending = true
        }
        return watermark
    }

    /// Applies the idle rule at processing time `now`; returns the (possibly advanced) watermark.
    @discardableResult
    public mutating func tick(processingTime now: Int64) -> Int64 {
        if arrivalPending {
            lastArrival = now
            arrivalPending = false
            return watermark
        }
        guard let idleTimeout else { return watermark }
        // A partition that never received anything starts its idle clock at its first tick.
        let since = lastArrival ?? now
        if lastArrival == nil { lastArrival = now }
        if TimeMath.sub(now, since) >= idleTimeout {
            watermark = max(watermark, TimeMath.sub(now, maxOutOfOrder))
        }
        return watermark
    }

    /// Raises the watermark to at least `w` (external control, e.g. the minimum over input partitions).
    public mutating func advance(to w: Int64) { watermark = max(watermark, w) }

    func encode(into w: inout StateWriter) {
        w.i64(maxOutOfOrder); w.i64(idleTimeout ?? -1); w.i64(watermark); w.i64(maxEventTime)
        w.i64(lastArrival ?? .min); w.bool(arrivalPending)
    }

    init(decoding r: inout StateReader) throws(FeatureError) {
        maxOutOfOrder = try r.i64()
        let idle = try r.i64()
        idleTimeout = idle < 0 ? nil : idle
        watermark = try r.i64(); maxEventTime = try r.i64()
        let la = try r.i64()
        lastArrival = la == .min ? nil : la
        arrivalPending = try r.bool()
    }
}
