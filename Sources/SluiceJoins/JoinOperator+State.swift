import SluiceCore

extension JoinOperator {
    /// Writes the buffers of keys changed since the last save (deleting keys whose buffers emptied).
    /// The store key is the join key's text; the value holds both sides' records.
    public func saveState(into store: any KeyedStateStore) throws {
        for key in dirty.sorted() {
            guard let buffer = buffers[key] else {
                try store.delete(Array(key.utf8))
                continue
            }
            var w = StateWriter()
            var latest = Int64.min
            for side in [buffer.left, buffer.right] {
                w.varint(side.count)
                for entry in side {
                    w.int64(entry.time)
                    w.bool(entry.matched)
                    w.record(entry.record)
                    latest = max(latest, entry.time)
                }
            }
            try store.put(Array(key.utf8), w.bytes, timestamp: latest)
        }
        dirty.removeAll(keepingCapacity: true)
    }

    /// Replaces the buffers with the store's contents and rebuilds the expiry queue.
    public func loadState(from store: any KeyedStateStore) throws {
        buffers.removeAll()
        expiries.removeAll()
        dirty.removeAll()
        try store.forEach { keyBytes, value in
            let key = String(decoding: keyBytes, as: UTF8.self)
            var r = StateReader(value)
            var buffer = KeyBuffer()
            for side in 0..<2 {
                let n = try r.varint()
                for _ in 0..<n {
                    let time = try r.int64()
                    let matched = try r.bool()
                    let entry = Entry(record: try r.record(), time: time, matched: matched)
                    if side == 0 { buffer.left.append(entry) } else { buffer.right.append(entry) }
                    expiries.insert(Expiry(time: time &+ config.within, key: key))
                }
            }
            guard r.atEnd else { throw JoinsError(.corruptState, "join state value has trailing bytes", operatorID: id) }
            if !buffer.isEmpty { buffers[key] = buffer }
        }
    }

    /// `{"left": [fields…], "right": [fields…]}` of the records buffered under a join key (its UTF-8 text).
    public func lookup(key: [UInt8]) -> Fields? {
        guard let buffer = buffers[String(decoding: key, as: UTF8.self)] else { return nil }
        return ["left": .array(buffer.left.map { .object($0.record.fields) }),
                "right": .array(buffer.right.map { .object($0.record.fields) })]
    }
}
