/// Stable 64-bit hashes (identical across processes and machines, unlike Swift's seeded `Hasher`).
public enum StableHash {
    /// FNV-1a 64-bit offset basis and prime.
    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// FNV-1a over bytes (no finalizer): used for content hashes such as profile ids.
    public static func fnv1a<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = fnvOffset
        for b in bytes { h ^= UInt64(b); h = h &* fnvPrime }
        return h
    }

    /// MurmurHash3's 64-bit finalizer: full avalanche, so every output bit depends on every input bit.
    @inline(__always)
    public static func mix(_ k0: UInt64) -> UInt64 {
        var k = k0
        k ^= k >> 33; k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33; k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    /// Hash of a string's UTF-8 bytes (FNV-1a then the avalanche finalizer). Over the contiguous bytes: iterating
    /// `utf8` checks the string's representation on every byte (≈ 170 instructions for a 4-byte merchant id).
    public static func hash(_ s: String) -> UInt64 {
        var s = s
        return mix(s.withUTF8 { fnv1a($0) })
    }

    /// Hash of a double; -0 and 0 hash alike, and every NaN hashes alike.
    @inline(__always)
    public static func hash(_ x: Double) -> UInt64 {
        let v = x == 0 ? 0.0 : (x.isNaN ? Double.nan : x)
        return mix(v.bitPattern &+ 0x9e37_79b9_7f4a_7c15)
    }

    /// 16 lowercase hex digits.
    public static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
