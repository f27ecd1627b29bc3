import SluiceCore

/// Sticky canary routing: a key always maps to the same point in [0, 1).
///
/// The hash is FNV-1a 64 over the key bytes followed by the MurmurHash3 64-bit finalizer: FNV-1a alone
/// barely changes its high bits between keys that differ in the last byte (`user-1`, `user-2`),
/// and the routing point is taken from the high bits. Both steps are fixed, so routing is stable
/// across restarts, partitions and versions of Sluice.
public enum CanaryRouter {
    /// FNV-1a 64 of `bytes`.
    public static func fnv1a64<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// The key's routing point in [0, 1).
    public static func point<C: Collection>(_ bytes: C) -> Double where C.Element == UInt8 {
        var h = fnv1a64(bytes)
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return Double(h >> 11) * 0x1p-53
    }

    /// Whether a key with these bytes goes to the candidate at `share`.
    public static func routesToCandidate<C: Collection>(_ bytes: C, share: Double) -> Bool where C.Element == UInt8 {
        point(bytes) < share
    }

    /// The bytes a record is routed by: the routing field's value (strings as UTF-8, other values as their
    /// JSON-like text; missing or null as no bytes), or the record key.
    static func routingBytes(_ record: Record, field: String?) -> [UInt8] {
        guard let field else { return record.key ?? [] }
        switch record.fields[field] {
        case .none, .null?: return []
        case .string(let s)?: return Array(s.utf8)
        case let v?: return Array(v.description.utf8)
        }
    }
}
