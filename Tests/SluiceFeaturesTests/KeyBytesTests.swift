import SluiceCore
import Testing
@testable import SluiceFeatures

@Suite struct KeyBytesTests {
    /// Keys around the inline limit (and past it) keep their bytes, and differ when their bytes do — including
    /// keys that differ only by trailing zero bytes, which the inline words alone would not tell apart.
    @Test func inlineAndSpilledKeysKeepTheirBytesAndIdentity() {
        let lengths = [0, 1, 7, 8, 9, 15, 16, 17, 22, 23, 24, 40]
        var keys: [[UInt8]] = []
        for n in lengths {
            keys.append((0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ n) })
            if n > 0 { keys.append([UInt8](repeating: 0, count: n)) }
        }
        var table: [KeyBytes: Int] = [:]
        for (i, key) in keys.enumerated() {
            #expect(KeyBytes(key).bytes == key)
            #expect(table.updateValue(i, forKey: KeyBytes(key)) == nil, "key \(key) collided with another")
        }
        for (i, key) in keys.enumerated() {
            #expect(table[KeyBytes(key)] == i)
            #expect(KeyBytes(key) == KeyBytes(Array(key)))
        }
        #expect(KeyBytes([1, 0]) != KeyBytes([1]))
        #expect(KeyBytes(Array("u1234".utf8)).hashValue == KeyBytes(Array("u1234".utf8)).hashValue)
    }
}

@Suite struct KeyTableTests {
    /// Random inserts, updates, removals and lookups agree with a dictionary, over enough keys to grow the table
    /// several times and with removals inside probe runs (the shift-back path): inline keys of every length,
    /// the empty key, and keys long enough to spill.
    @Test(arguments: [1, 2, 3]) func agreesWithADictionary(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        func key(_ n: UInt64) -> [UInt8] {
            let length = Int(n % 30)  // 0…29: inline up to 23, spilled beyond
            return (0..<length).map { UInt8(truncatingIfNeeded: (n >> (UInt64($0) % 8 * 8)) &+ UInt64($0)) }
        }
        var table = KeyTable()
        var reference: [[UInt8]: Int] = [:]
        for step in 0..<40_000 {
            let k = key(rng.next() % 3_000)
            switch rng.next() % 4 {
            case 0, 1:
                table[KeyBytes(k)] = step
                reference[k] = step
            case 2:
                #expect(table.removeValue(forKey: KeyBytes(k)) == reference.removeValue(forKey: k))
            default:
                #expect(table[KeyBytes(k)] == reference[k])
            }
        }
        #expect(table.count == reference.count)
        var seen: [[UInt8]: Int] = [:]
        table.forEach { k, s in seen[k.bytes] = s }
        #expect(seen == reference)
        for (k, s) in reference { #expect(table[KeyBytes(k)] == s) }
    }
}

