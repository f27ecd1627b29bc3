import SluiceCore

extension FeatureEngine {
    static let keyMagic: [UInt8] = Array("SFK".utf8)
    static let engineMagic: [UInt8] = Array("SFE".utf8)
    /// 3: pane series store a pane's `full` state and time range only when they cannot be derived from its
    /// entries; 2: compact pane series (varints, no derivable states). 1 and 2 are still read.
    static let stateVersion: UInt8 = 3

    /// Current feature values of `key` for online serving, as of `max(streamTime, watermark)`:
    /// windows are evaluated at that time, so a sliding count drops events older than D before it
    /// (and after a flush to `Int64.max` every window has ended). A key without state gets the
    /// empty-window values (count 0, mean null, ...).
    public func lookup(_ key: [UInt8]) -> Fields {
        let at = max(streamTime, watermark)
        var f = Fields()
        f.reserveCapacity(specs.count)
        if let slot = states[KeyBytes(key)] {
            for (i, s) in specs.enumerated() { f.append(s.name, ops[i].value(slot, at)) }
        } else {
            for s in specs { f.append(s.name, SeriesFactory.emptyValue(s.function, at: at)) }
        }
        return f
    }

    /// The key's state for a keyed state store: `"SFK"`, version, configuration fingerprint, then
    /// every aggregate's state, little-endian. `nil` when the key has no state (evicted or unknown):
    /// store a tombstone.
    public func snapshot(key: [UInt8]) -> [UInt8]? {
        guard let slot = states[KeyBytes(key)] else { return nil }
        return withSnapshot(of: slot) { $0 }
    }

    /// Calls `body` with the snapshot of `slot`, encoded in one reused buffer and copied out once: a
    /// checkpoint snapshots every changed key, and growing a fresh buffer from empty costs several
    /// reallocations each.
    func withSnapshot<R>(of slot: Int, _ body: ([UInt8]) throws -> R) rethrows -> R {
        snapshotWriter.removeAll()
        snapshotWriter.append(Self.keyMagic)
        snapshotWriter.u8(Self.stateVersion)
        snapshotWriter.u64(fingerprint)
        snapshotWriter.i64(slots[slot].lastEventTime)
        snapshotWriter.u32(UInt32(ops.count))
        for op in ops { op.encode(slot, &snapshotWriter) }
        return try body(snapshotWriter.bytes)
    }

    /// Replaces the key's state with a `snapshot(key:)` result (e.g. from a checkpoint).
    /// - Throws: `.corruptState` for damaged bytes, `.incompatibleState` when they were written by a
    ///   different aggregate configuration.
    public func restore(key: [UInt8], bytes: [UInt8]) throws(FeatureError) {
        var r = StateReader(bytes)
        try header(&r, magic: Self.keyMagic, what: "key state")
        let last = try r.i64()
        let n = Int(try r.u32())
        guard n == specs.count else {
            throw FeatureError(.incompatibleState, "stored key state has \(n) aggregates, configuration has \(specs.count)")
        }
        // Decoded into staging values first: the key's current state stays intact if any part fails.
        for op in ops { try op.decode(&r) }
        guard r.isAtEnd else { throw FeatureError(.corruptState, "trailing bytes after key state", context: ["offset": "\(r.pos)"]) }
        // A replaced key starts over like a new one (its old heap entries become stale).
        let k = KeyBytes(key)
        let slot: Int
        if let old = states[k] {
            slot = old
            slots[slot] = KeySlot()
        } else {
            slot = newSlot()
            states[k] = slot
        }
        for op in ops { op.commit(slot) }
        slots[slot].lastEventTime = last
        streamTime = max(streamTime, last)
        if configuration.emit.onClose { schedule(key, slot) }
    }

    /// Engine-wide state (watermark, its tracker, stream time) for the checkpoint manifest.
    public func snapshotEngine() -> [UInt8] {
        var w = StateWriter()
        w.append(Self.engineMagic)
        w.u8(Self.stateVersion)
        w.u64(fingerprint)
        w.i64(watermark)
        w.i64(streamTime)
        w.bool(tracker != nil)
        tracker?.encode(into: &w)
        return w.bytes
    }

    /// Restores `snapshotEngine()` output. Restore it before or after the keys; windows that are already
    /// due close at the next watermark advance.
    public func restoreEngine(_ bytes: [UInt8]) throws(FeatureError) {
        var r = StateReader(bytes)
        try header(&r, magic: Self.engineMagic, what: "engine state")
        watermark = try r.i64()
        streamTime = max(streamTime, try r.i64())
        if try r.bool() { tracker = try WatermarkTracker(decoding: &r) }
        guard r.isAtEnd else { throw FeatureError(.corruptState, "trailing bytes after engine state", context: ["offset": "\(r.pos)"]) }
    }

    private func header(_ r: inout StateReader, magic: [UInt8], what: String) throws(FeatureError) {
        for m in magic where try r.u8() != m {
            throw FeatureError(.corruptState, "bytes are not a Sluice features \(what)")
        }
        let v = try r.u8()
        guard (1...Self.stateVersion).contains(v) else {
            throw FeatureError(.corruptState, "unsupported \(what) version \(v)", context: ["supported": "1...\(Self.stateVersion)"])
        }
        r.version = v
        guard try r.u64() == fingerprint else {
            throw FeatureError(.incompatibleState, "\(what) was written by a different aggregate configuration")
        }
    }

    /// Forgets which keys changed (call after their snapshots were persisted).
    public func markClean() {
        for k in dirtyList { if let s = states[KeyBytes(k)] { slots[s].dirty = false } }
        dirtyList.removeAll(keepingCapacity: true)
    }

    /// Snapshots of every dirty key (`nil` = delete from the store), sorted by key, then `markClean()`.
    public func takeDirtySnapshots() -> [(key: [UInt8], state: [UInt8]?)] {
        let out = dirtyKeys.sorted { $0.lexicographicallyPrecedes($1) }.map { (key: $0, state: snapshot(key: $0)) }
        markClean()
        return out
    }

    /// Calls `body` with every dirty key and its snapshot (`nil` = delete from the store), in the order
    /// the keys became dirty, then `markClean()`. A key evicted and recreated may come twice; each call
    /// carries its current state. Each snapshot is encoded into one reused buffer and copied out once, for
    /// `body`. If `body` throws, every key stays dirty.
    public func forEachDirtySnapshot(_ body: (_ key: [UInt8], _ state: [UInt8]?) throws -> Void) rethrows {
        // Encoding reads every buffer of a key's state, and after a checkpoint interval of other keys' events
        // they are cold: fetched ahead like the per-event path (`FeatureEngine+Prefetch.swift`), the row three
        // keys ahead, the buffers' heads two ahead, their tails one ahead.
        let n = dirtyList.count
        var ahead = [StateSlot?](repeating: nil, count: 4)  // round robin: the key encoded and three ahead
        for j in 0..<min(3, n) { ahead[j] = prefetchRow(key: dirtyList[j]) }
        for i in 0..<n {
            if i + 3 < n { ahead[(i + 3) & 3] = prefetchRow(key: dirtyList[i + 3]) }
            if i + 2 < n, let s = ahead[(i + 2) & 3] { prefetchStorage(s) }
            if i + 1 < n, let s = ahead[(i + 1) & 3] { prefetchTails(s) }
            if let s = ahead[i & 3] {
                try withSnapshot(of: s.index) { try body(dirtyList[i], $0) }
            } else {
                try body(dirtyList[i], nil)
            }
        }
        markClean()
    }

    /// Drops keys whose newest event time is at least `keyTTL` behind the watermark; they become dirty
    /// (their snapshot is nil). Returns the evicted keys. Does nothing without a TTL.
    @discardableResult
    public func evictIdleKeys() -> [[UInt8]] {
        guard let ttl = configuration.keyTTL else { return [] }
        let threshold = TimeMath.sub(watermark, ttl)
        var evicted: [[UInt8]] = []
        states.forEach { k, s in if slots[s].lastEventTime <= threshold { evicted.append(k.bytes) } }
        for k in evicted {
            if let s = states.removeValue(forKey: KeyBytes(k)) { freeSlot(s) }
            markDirty(k, nil)
        }
        counters.keysEvicted += evicted.count
        return evicted
    }
}
