import SluiceCore

/// Configuration of a `dedupe` operator.
public struct DedupeConfig: Sendable, Equatable {
    public var id: String
    /// The field holding the id to deduplicate on (e.g. `event_id`).
    public var field: String
    /// How long an id is remembered after it was last seen, in milliseconds.
    public var ttl: Int64

    public init(id: String, field: String, ttl: Int64) {
        self.id = id
        self.field = field
        self.ttl = ttl
    }
}

/// Drops records whose id was already seen within the TTL (`type: dedupe`).
///
/// A record's time is its event time, or the batch's processing time when it has none. A record is a
/// duplicate when an earlier record with the same id was seen at most `ttl` ms apart (either direction,
/// so out-of-order repeats are caught too); every sighting, duplicate or not, refreshes the id's last-seen
/// time. Duplicates are **counted, not dead-lettered**: a repeat is expected at-least-once
/// delivery, not bad data, and dead-lettering it would flood the dead-letter topic on every producer retry.
/// A record without the id field (or with null) is a dead letter (`MISSING_FIELD`).
///
/// State: id → last-seen time. Ids expire once `last seen + ttl` is behind the watermark (or behind
/// processing time before there is a watermark) and are purged in `advance`, so memory is bounded by the
/// ids seen within one TTL. `saveState` writes only ids changed or purged since the last save.
public final class DedupeOperator: StatefulOperator {
    public let id: String
    public let config: DedupeConfig
    /// Duplicates dropped so far.
    public private(set) var duplicatesDropped = 0
    /// Records passed on so far.
    public private(set) var passed = 0

    private var lastSeen: [String: Int64] = [:]
    private var expiries = MinHeap<Expiry>()
    private var dirty: Set<String> = []

    /// The number of ids currently remembered.
    public var trackedIDs: Int { lastSeen.count }

    public init(config: DedupeConfig) throws(JoinsError) {
        guard !config.field.isEmpty else { throw JoinsError(.invalidConfig, "dedupe needs an id field", operatorID: config.id) }
        guard config.ttl > 0 else {
            throw JoinsError(.invalidConfig, "dedupe ttl must be positive, got \(config.ttl) ms", operatorID: config.id)
        }
        self.id = config.id
        self.config = config
    }

    public func process(_ batch: [Record], from side: InputSide, context: OperatorContext,
                        into output: inout OperatorOutput) {
        for record in batch {
            guard let value = record.fields[config.field], !value.isNull else {
                output.deadLetter(record, RecordError(.missingField, field: config.field,
                                                      "dedupe id field '\(config.field)' is missing or null"))
                continue
            }
            let key = keyText(value)
            let time = record.eventTime ?? context.processingTime
            if let last = lastSeen[key], abs(time &- last) <= config.ttl {
                duplicatesDropped += 1
                if time > last { remember(key, time) }
                continue
            }
            remember(key, max(time, lastSeen[key] ?? .min))
            passed += 1
            output.emit(record)
        }
    }

    /// Purges ids whose last sighting is more than `ttl` behind the watermark (or processing time).
    public func advance(context: OperatorContext, into output: inout OperatorOutput) {
        let horizon = context.watermark == .min ? context.processingTime : context.watermark
        while let next = expiries.min, next.time < horizon {
            expiries.popMin()
            // The heap holds one entry per sighting; only the latest one may remove the id.
            if let last = lastSeen[next.key], last &+ config.ttl == next.time {
                lastSeen[next.key] = nil
                dirty.insert(next.key)
            }
        }
    }

    private func remember(_ key: String, _ time: Int64) {
        lastSeen[key] = time
        expiries.insert(Expiry(time: time &+ config.ttl, key: key))
        dirty.insert(key)
    }

    public func saveState(into store: any KeyedStateStore) throws {
        for key in dirty.sorted() {
            if let time = lastSeen[key] {
                var w = StateWriter()
                w.int64(time)
                try store.put(Array(key.utf8), w.bytes, timestamp: time)
            } else {
                try store.delete(Array(key.utf8))
            }
        }
        dirty.removeAll(keepingCapacity: true)
    }

    public func loadState(from store: any KeyedStateStore) throws {
        lastSeen.removeAll()
        expiries.removeAll()
        dirty.removeAll()
        try store.forEach { key, value in
            var r = StateReader(value)
            let time = try r.int64()
            guard r.atEnd else { throw JoinsError(.corruptState, "dedupe state value has trailing bytes", operatorID: id) }
            let text = String(decoding: key, as: UTF8.self)
            lastSeen[text] = time
            expiries.insert(Expiry(time: time &+ config.ttl, key: text))
        }
    }

    /// `{"id": ..., "last_seen": <ms>, "expires": <ms>}` for a remembered id (key = the id's UTF-8 text).
    public func lookup(key: [UInt8]) -> Fields? {
        let text = String(decoding: key, as: UTF8.self)
        guard let time = lastSeen[text] else { return nil }
        return ["id": .string(text), "last_seen": .int(time), "expires": .int(time &+ config.ttl)]
    }
}
