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

    struct Slot {
        var value: [UInt8]
        var timestamp: Int64
    }

    var map: [StateKey: Slot] = [:]
    var dirty: Set<StateKey> = []
    /// Approximate memory held: key + value bytes plus `perEntryOverhead` per entry.
    public internal(set) var approximateBytes = 0
    /// Fixed bookkeeping cost charged per entry (dictionary slot, two array headers).
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
    public var count: Int { map.count }
    /// Keys changed since the last checkpoint (including deletes).
    public var dirtyCount: Int { dirty.count }
    public var hasChanges: Bool { !dirty.isEmpty }

    public func get(_ key: [UInt8]) -> [UInt8]? { map[StateKey(key)]?.value }

    /// Last-write timestamp of `key`, as supplied to `put`.
    public func timestamp(of key: [UInt8]) -> Int64? { map[StateKey(key)]?.timestamp }

    public func contains(_ key: [UInt8]) -> Bool { map[StateKey(key)] != nil }

    static func cost(_ key: Int, _ value: Int) -> Int { key + value + perEntryOverhead }

    /// Inserts or replaces `key`. `timestamp` (ms, event or processing time) drives TTL expiry and
    /// eviction order. Throws `memoryBudgetExceeded` under the `.fail` policy.
    public func put(_ key: [UInt8], _ value: [UInt8], timestamp: Int64 = 0) throws {
        let k = StateKey(key)
        let old = map[k]
        let delta = value.count - (old?.value.count ?? -(key.count + Self.perEntryOverhead))
        if let budget = options.memoryBudget, delta > 0, approximateBytes + delta > budget.bytes {
            try makeRoom(for: k, delta: delta, budget: budget)
        }
        map[k] = Slot(value: value, timestamp: timestamp)
        approximateBytes += delta
        dirty.insert(k)
        onChange?(key, value)
    }

    /// Removes `key`, returning its previous value.
    @discardableResult
    public func delete(_ key: [UInt8]) -> [UInt8]? {
        remove(StateKey(key))
    }

    @discardableResult
    func remove(_ k: StateKey) -> [UInt8]? {
        guard let old = map.removeValue(forKey: k) else { return nil }
        approximateBytes -= Self.cost(k.bytes.count, old.value.count)
        dirty.insert(k)
        onChange?(k.bytes, nil)
        return old.value
    }

    /// Removes every key whose last write is older than the store's TTL relative to `now`
    /// (`now - timestamp > ttl`). Returns the number of keys removed; 0 for stores without TTL.
    @discardableResult
    public func expire(now: Int64) -> Int {
        guard let ttl = options.ttlMillis else { return 0 }
        let cutoff = now &- ttl
        var expired: [StateKey] = []
        for (k, slot) in map where slot.timestamp < cutoff { expired.append(k) }
        for k in expired { remove(k) }
        return expired.count
    }

    /// Deletes every key (each becomes a tombstone at the next checkpoint).
    public func removeAll() {
        for k in Array(map.keys) { remove(k) }
    }

    /// Visits every entry in unspecified order.
    public func forEach(_ body: (_ key: [UInt8], _ value: [UInt8]) throws -> Void) rethrows {
        for (k, slot) in map { try body(k.bytes, slot.value) }
    }

    /// Entries with `lower <= key < upper` in ascending byte order (nil bound = unbounded).
    /// Sorts the matching keys on every call: O(n log n), meant for queries, not hot paths.
    public func range(from lower: [UInt8]? = nil, to upper: [UInt8]? = nil) -> [(key: [UInt8], value: [UInt8])] {
        var keys: [StateKey] = []
        for k in map.keys {
            if let lower, compareBytes(k.bytes, lower) < 0 { continue }
            if let upper, compareBytes(k.bytes, upper) >= 0 { continue }
            keys.append(k)
        }
        keys.sort()
        return keys.map { ($0.bytes, map[$0]!.value) }
    }

    private func makeRoom(for key: StateKey, delta: Int, budget: MemoryBudget) throws {
        let wouldUse = approximateBytes + delta
        guard budget.policy == .evictOldest, delta <= budget.bytes else {
            throw StateError.memoryBudgetExceeded(store: name, budget: budget.bytes, wouldUse: wouldUse)
        }
        // Evict down to 90 % so evictions come in batches, not one scan per write.
        let target = budget.bytes - budget.bytes / 10 - delta
        var candidates: [(Int64, StateKey)] = []
        candidates.reserveCapacity(map.count)
        for (k, slot) in map where k != key { candidates.append((slot.timestamp, k)) }
        candidates.sort { $0.0 < $1.0 }
        for (_, k) in candidates {
            if approximateBytes <= max(target, 0) { break }
            remove(k)
        }
        if approximateBytes + delta > budget.bytes {
            throw StateError.memoryBudgetExceeded(store: name, budget: budget.bytes, wouldUse: approximateBytes + delta)
        }
    }
}
