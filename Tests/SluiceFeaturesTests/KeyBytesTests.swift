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
