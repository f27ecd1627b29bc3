/// A fast seeded hash over key bytes for `EntryTable`, in the style of wyhash: 16 bytes per step folded with
/// a 64×64→128-bit multiply. Swift's `Hasher` (SipHash-1-3) costs several times more for the short keys stores
/// hold, and restore hashes every key of every segment.
///
/// Keys come from events, so an attacker could try to craft colliding keys; the seed is drawn at random once
/// per process, which keeps collisions from being predictable across runs without SipHash's per-byte cost.
enum KeyHash {
    /// Drawn once per process (a global `let` is initialised lazily and thread-safely).
    static let processSeed: UInt64 = UInt64.random(in: .min ... .max)

    private static let k0: UInt64 = 0xA076_1D64_78BD_642F
    private static let k1: UInt64 = 0xE703_7ED1_A0B4_28DB
    private static let k2: UInt64 = 0x8EBC_6AF0_9C88_C6E3

    @inline(__always)
    private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (hi, lo) = a.multipliedFullWidth(by: b)
        return hi ^ lo
    }

    /// 64-bit hash of `bytes` under `seed`. Every byte and the length take part, so keys that differ only in
    /// trailing zero bytes hash apart.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = processSeed) -> UInt64 {
        let n = bytes.count
        var h = seed ^ mix(seed ^ k0, UInt64(truncatingIfNeeded: n) ^ k1)
        guard let p = bytes.baseAddress, n > 0 else { return mix(h ^ k2, k0) }
        var i = 0
        while i + 16 <= n {
            h = mix(p.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ k1, p.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self) ^ h)
            i += 16
        }
        var a: UInt64 = 0
        var b: UInt64 = 0
        let rest = n - i
        if rest >= 8 {
            // 8–15 bytes left: two overlapping words cover them without a byte loop.
            a = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            b = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else if rest >= 4 {
            a = UInt64(p.loadUnaligned(fromByteOffset: i, as: UInt32.self))
            b = UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
        } else if rest > 0 {
            // 1–3 bytes: first, middle and last byte (they overlap for short tails).
            a = UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << 16 | UInt64(p.load(fromByteOffset: i + rest / 2, as: UInt8.self)) << 8
                | UInt64(p.load(fromByteOffset: n - 1, as: UInt8.self))
        }
        h = mix(a ^ k1 ^ h, b ^ k2)
        return mix(h ^ k0, UInt64(truncatingIfNeeded: n) ^ k2)
    }
}
