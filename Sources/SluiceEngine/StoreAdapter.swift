import SluiceCore
import SluiceState

/// Exposes a SluiceState store to operators through Core's `KeyedStateStore`.
final class StoreAdapter: KeyedStateStore {
    let store: KeyValueStore
    init(_ store: KeyValueStore) { self.store = store }

    func get(_ key: [UInt8]) -> [UInt8]? { store.get(key) }
    func put(_ key: [UInt8], _ value: [UInt8], timestamp: Int64) throws { try store.put(key, value, timestamp: timestamp) }
    func delete(_ key: [UInt8]) throws { _ = store.delete(key) }
    func forEach(_ body: ([UInt8], [UInt8]) throws -> Void) rethrows { try store.forEach(body) }
}
