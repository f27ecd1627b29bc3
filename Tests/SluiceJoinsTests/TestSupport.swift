import SluiceCore

/// A `KeyedStateStore` in memory that counts writes.
final class MemoryStore: KeyedStateStore {
    var data: [[UInt8]: [UInt8]] = [:]
    var puts = 0
    var deletes = 0

    func get(_ key: [UInt8]) -> [UInt8]? { data[key] }
    func put(_ key: [UInt8], _ value: [UInt8], timestamp: Int64) throws {
        puts += 1
        data[key] = value
    }
    func delete(_ key: [UInt8]) throws {
        deletes += 1
        data[key] = nil
    }
    func forEach(_ body: ([UInt8], [UInt8]) throws -> Void) rethrows {
        for (k, v) in data.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) { try body(k, v) }
    }
}

/// A seeded generator, so that shuffled orders are reproducible.

func context(watermark: Int64 = .min, now: Int64 = 0) -> OperatorContext {
    OperatorContext(partition: 0, processingTime: now, watermark: watermark)
}

func event(_ id: String, at time: Int64?, _ extra: Fields = Fields()) -> Record {
    var fields: Fields = ["event_id": .string(id)]
    for f in extra { fields.append(f.name, f.value) }
    return Record(fields: fields, key: Array(id.utf8), timestamp: time ?? 0, eventTime: time)
}
