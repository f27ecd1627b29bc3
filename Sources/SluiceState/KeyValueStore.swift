/// An in-memory keyed store (`[UInt8]` → `[UInt8]`) for one operator partition.
///
/// Not thread-safe: it is owned by the single task that processes its partition. Every mutation
/// is tracked as dirty until the next checkpoint (deletes become tombstones) and reported to
/// `onChange`, which the engine uses to produce the store's changelog topic.
///
/// ```swift
/// let store = try KeyValueStore(name: "clicks", options: .init(ttlMillis: 3_600_000))
/// store.onChange = { key, value in changelog.send(key, value) }
/// try store.put(Array("user-1".utf8), [1, 2, 3], timestamp: eventTime)
/// store.expire(now: watermark)
/// ```
public final class KeyValueStore {
    public let name: String
    public let options: StoreOptions
    /// Called after every mutation with the key and its new value (nil = deleted, expired or evicted).
    public var onChange: ((_ key: [UInt8], _ value: [UInt8]?) -> Void)?

    /// Keys, values, timestamps and dirty marks (see `EntryTable` for why not a Dictionary).
    var table = EntryTable()
    /// Approximate memory held: key + value bytes plus `perEntryOverhead` per entry.
    public internal(set) var approximateBytes = 0
    /// Fixed bookkeeping cost charged per entry. Kept at its historical value so memory budgets mean the
    /// same across versions; the arena-backed table actually needs about 50 bytes per entry.
    public static let perEntryOverhead = 96

    /// `name` becomes part of segment file names: 1–100 characters from `[A-Za-z0-9_.-]`.
    public init(name: String, options: StoreOptions = .init()) throws {
        try Self.validate(name: name)
        self.name = name
        self.options = options
    }

    static func validate(name: String) throws {
        let ok = !name.isEmpty && name.count <= 100 && name.first != "."
            && name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "_-.".unicodeScalars.contains($0) }
        guard ok else {
            throw StateError(.invalidArgument, "store name '\(name)' must be 1–100 characters of A–Z, a–z, 0–9, '_', '-', '.' (not starting with '.')")
        }
    }

    /// Number of live keys.
    public var count: Int { table.liveCount }
    /// Keys changed since the last checkpoint (including deletes).
    public var dirtyCount: Int { table.dirtyCount }
    public var hasChanges: Bool { table.dirtyCount > 0 }

    public func get(_ key: [UInt8]) -> [UInt8]? {
        key.withUnsafeBytes { table.liveEntry($0) }.map { table.value(at: $0) }
    }

    /// Last-write timestamp of `key`, as supplied to `put`.
    public func timestamp(of key: [UInt8]) -> Int64? {
        key.withUnsafeBytes { table.liveEntry($0) }.map { table.entries[$0].timestamp }
    }

    public func contains(_ key: [UInt8]) -> Bool { key.withUnsafeBytes { table.liveEntry($0) } != nil }

    static func cost(_ key: Int, _ value: Int) -> Int { key + value + perEntryOverhead }

    /// Inserts or replaces `key`. `timestamp` (ms, event or processing time) drives TTL expiry and
    /// eviction order. Throws `memoryBudgetExceeded` under the `.fail` policy.
    public func put(_ key: [UInt8], _ value: [UInt8], timestamp: Int64 = 0) throws {
        try key.withUnsafeBytes { k in
            try value.withUnsafeBytes { v in
                let h = table.hash(k)
                let existing = table.liveEntry(k, hash: h)
                let delta = value.count - (existing.map { Int(table.entries[$0].valueLength) } ?? -(key.count + Self.perEntryOverhead))
                if let budget = options.memoryBudget, delta > 0, approximateBytes + delta > budget.bytes {
                    try makeRoom(sparing: existing, delta: delta, budget: budget)
                }
                let (i, previous) = table.upsert(k, v, timestamp: timestamp, hash: h)
                table.markDirty(i)
                approximateBytes += previous.map { value.count - $0 } ?? Self.cost(key.count, value.count)
            }
        }
        onChange?(key, value)
    }

    /// Removes `key`, returning its previous value.
    @discardableResult
    public func delete(_ key: [UInt8]) -> [UInt8]? {
        guard let i = key.withUnsafeBytes({ table.liveEntry($0) }) else { return nil }
        let old = table.value(at: i)
        remove(i, key: key)
        return old
    }

    /// Turns live entry `i` into a tombstone for the next checkpoint and notifies the listener. `key` saves
    /// copying the key out of the arena when the caller already has it.
    func remove(_ i: Int, key: [UInt8]? = nil) {
        let e = table.entries[i]
        guard e.state == .live else { return }
        // Only copied when someone listens: expiry and eviction remove many keys nobody looks at.
        let notifyKey = onChange == nil ? nil : (key ?? table.key(at: i))
        approximateBytes -= Self.cost(Int(e.keyLength), Int(e.valueLength))
        table.kill(i)
        table.markDirty(i)
        if let notifyKey { onChange?(notifyKey, nil) }
    }

    /// Removes every key whose last write is older than the store's TTL relative to `now`
    /// (`now - timestamp > ttl`). Returns the number of keys removed; 0 for stores without TTL.
    @discardableResult
    public func expire(now: Int64) -> Int {
        guard let ttl = options.ttlMillis else { return 0 }
        let cutoff = now &- ttl
        var expired: [Int] = []
        for (i, e) in table.entries.enumerated() where e.state == .live && e.timestamp < cutoff { expired.append(i) }
        for i in expired { remove(i) }
        return expired.count
    }

    /// Deletes every key (each becomes a tombstone at the next checkpoint).
    public func removeAll() {
        for i in table.liveEntries { remove(Int(i)) }
    }

    /// Visits every entry in unspecified order.
    public func forEach(_ body: (_ key: [UInt8], _ value: [UInt8]) throws -> Void) rethrows {
        // By id, re-checking each entry: `body` may change the store, which must not invalidate this loop.
        var i = 0
        while i < table.entries.count {
            if table.entries[i].state == .live { try body(table.key(at: i), table.value(at: i)) }
            i += 1
        }
    }

    /// Entries with `lower <= key < upper` in ascending byte order (nil bound = unbounded).
    /// Sorts the matching keys on every call: O(n log n), meant for queries, not hot paths.
    public func range(from lower: [UInt8]? = nil, to upper: [UInt8]? = nil) -> [(key: [UInt8], value: [UInt8])] {
        var ids: [Int32] = []
        for id in table.liveEntries {
            let inside = table.withBytes(of: Int(id)) { k, _ in
                if let lower, lower.withUnsafeBytes({ compareBytes(k, $0) }) < 0 { return false }
                if let upper, upper.withUnsafeBytes({ compareBytes(k, $0) }) >= 0 { return false }
                return true
            }
            if inside { ids.append(id) }
        }
        return table.sortedByKey(ids).map { (table.key(at: Int($0)), table.value(at: Int($0))) }
    }

    private func makeRoom(sparing spared: Int?, delta: Int, budget: MemoryBudget) throws {
        let wouldUse = approximateBytes + delta
        guard budget.policy == .evictOldest, delta <= budget.bytes else {
            throw StateError.memoryBudgetExceeded(store: name, budget: budget.bytes, wouldUse: wouldUse)
        }
        // Evict down to 90 % so evictions come in batches, not one scan per write.
        let target = budget.bytes - budget.bytes / 10 - delta
        var candidates: [(timestamp: Int64, entry: Int)] = []
        candidates.reserveCapacity(table.liveCount)
        for (i, e) in table.entries.enumerated() where e.state == .live && i != spared { candidates.append((e.timestamp, i)) }
        candidates.sort { $0.timestamp < $1.timestamp }
        for c in candidates {
            if approximateBytes <= max(target, 0) { break }
            remove(c.entry)
        }
        if approximateBytes + delta > budget.bytes {
            throw StateError.memoryBudgetExceeded(store: name, budget: budget.bytes, wouldUse: approximateBytes + delta)
        }
    }
}
