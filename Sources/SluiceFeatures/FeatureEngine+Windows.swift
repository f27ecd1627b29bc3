import SluiceCore

extension FeatureEngine {
    /// Raises the watermark to `w` (never lowers it) and returns the windows that closed, in order of
    /// their due time (end + grace), then key bytes, then configuration order.
    public func advanceWatermark(to w: Int64) -> [FeatureOutput] {
        var out: [FeatureOutput] = []
        tracker?.advance(to: w)
        if w > watermark { advance(to: w, into: &out) }
        return out
    }

    /// Applies the watermark idle rule at processing time `now` (see `WatermarkTracker`) and returns
    /// the windows that closed. Without a configured tracker this does nothing.
    public func tick(processingTime now: Int64) -> [FeatureOutput] {
        var out: [FeatureOutput] = []
        guard tracker != nil else { return out }
        let w = tracker!.tick(processingTime: now)
        if w > watermark { advance(to: w, into: &out) }
        return out
    }

    func advance(to w: Int64, into out: inout [FeatureOutput]) {
        watermark = w
        guard configuration.emit.onClose else { return }
        while let (due, keys) = dueQueue.pop(through: w) {
            for key in keys {
                // Skip stale entries: the key was evicted or rescheduled for an earlier time.
                guard let slot = states[KeyBytes(key)], slots[slot].scheduledAt == due else { continue }
                slots[slot].scheduledAt = nil
                closeWindows(key, slot, into: &out)
                schedule(key, slot)
            }
        }
    }

    /// Closes the key's due windows; emits them in on-close modes, otherwise only frees their state.
    func closeWindows(_ key: [UInt8], _ slot: Int, into out: inout [FeatureOutput]) {
        let emit = configuration.emit.onClose
        let settle = acceptBound()
        if !emit {
            for i in ops.indices { _ = ops[i].close(slot, watermark, settle, false) }
            return
        }
        // Allocate only when something actually closed (rare: the heap usually got there first).
        var closed: [[ClosedValue]] = []
        for i in ops.indices {
            let c = ops[i].close(slot, watermark, settle, true)
            if !c.isEmpty && closed.isEmpty {
                closed = Array(repeating: [], count: ops.count)
            }
            if !closed.isEmpty { closed[i] = c }
        }
        guard !closed.isEmpty else { return }
        markDirty(key, slot)
        for g in groups {
            // Every member saw the same events, so their windows coincide; the first one leads.
            let lead = closed[g.members[0]]
            for (w, cv) in lead.enumerated() {
                var values = Fields()
                values.reserveCapacity(g.members.count)
                for m in g.members {
                    let c = closed[m]
                    values.append(specs[m].name, w < c.count ? c[w].value : .null)
                }
                out.append(.window(WindowResult(key: key, window: g.window, start: cv.start, end: cv.end, values: values)))
                counters.windowsEmitted += 1
            }
        }
    }

    /// A time no accepted event can be older than: a record must be on time for *every* aggregate,
    /// so the tightest aggregate decides. Raw entries older than this are never split by a query.
    func acceptBound() -> Int64 {
        if acceptBoundCache.watermark == watermark { return acceptBoundCache.bound }
        var b = Int64.min
        for s in specs {
            let own = TimeMath.sub(watermark, s.grace)
            switch s.window {
            case .tumbling(let size): b = max(b, TimeMath.sub(own, size))
            case .hopping(_, let every): b = max(b, TimeMath.sub(own, every))
            default: b = max(b, own)
            }
        }
        acceptBoundCache = (watermark, b)
        return b
    }

    /// Makes sure the queue holds an entry for the key's earliest due window.
    func schedule(_ key: [UInt8], _ slot: Int) {
        var due: Int64?
        for g in groups {
            for m in g.members {
                if let d = ops[m].nextDue(slot), due == nil || d < due! { due = d }
            }
        }
        guard let due else { return }
        if let at = slots[slot].scheduledAt, at <= due { return }
        slots[slot].scheduledAt = due
        dueQueue.push(due, key)
    }
}
