import Foundation
import Testing
@testable import SluiceState

@Suite struct SegmentRoundTripTests {
    static let cases: [(CompressionCodec, Bool)] = CompressionCodec.allCases.flatMap { [($0, false), ($0, true)] }

    func sample(_ n: Int, seed: UInt64) -> [SegmentEntry] {
        var rng = SplitMix64(seed: seed)
        var keys = Set<[UInt8]>()
        while keys.count < n { keys.insert(rng.bytes(Int.random(in: 1...24, using: &rng))) }
        return keys.sorted { compareBytes($0, $1) < 0 }.enumerated().map { i, k in
            i % 7 == 3
                ? SegmentEntry(key: k, value: nil)
                : SegmentEntry(key: k, value: rng.bytes(Int.random(in: 0...200, using: &rng)), timestamp: i % 2 == 0 ? Int64(i) * 1000 - 500 : nil)
        }
    }

    @Test(arguments: cases)
    func roundTrip(codec: CompressionCodec, encrypted: Bool) throws {
        let dir = TempDir()
        let key = try testKey("k1")
        let entries = sample(3000, seed: 1)
        let info = try writeSegment(
            dir.file("a.slsg"), entries,
            options: .init(codec: codec, blockSize: 4096, encryptionKey: encrypted ? key : nil))
        #expect(info.entries + info.tombstones == entries.count)
        #expect(info.tombstones == entries.filter(\.isTombstone).count)
        #expect(info.blockCount > 1)
        let reader = try SegmentReader(path: dir.file("a.slsg"), keys: EncryptionKeyRing([key]))
        #expect(reader.header.codec == codec)
        #expect(reader.header.keyID == (encrypted ? "k1" : nil))
        #expect(try reader.allEntries() == entries)
        #expect(try reader.lookup(entries[1234].key) == entries[1234])
        #expect(try reader.lookup([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) == nil)
        // No temp file is left behind.
        #expect(!FileManager.default.fileExists(atPath: dir.file("a.slsg.tmp")))
    }

    @Test(arguments: [UInt64(11), 12, 13, 14, 15])
    func randomSetsRoundTrip(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let codec = CompressionCodec.allCases[Int(seed) % 3]
        var map: [[UInt8]: [UInt8]?] = [:]
        map[[]] = rng.bytes(5)  // empty key
        map[[0]] = []  // empty value
        map[[1, 2, 3]] = .some(rng.bytes(1 << 20))  // 1 MB value, larger than a block
        for _ in 0..<Int.random(in: 100...3000, using: &rng) {
            let k = rng.bytes(Int.random(in: 1...12, using: &rng))
            let value: [UInt8]? = Bool.random(using: &rng) ? rng.bytes(Int.random(in: 0...16, using: &rng)) : nil
            map[k] = .some(value)
        }
        let entries = map.keys.sorted { compareBytes($0, $1) < 0 }.map { SegmentEntry(key: $0, value: map[$0]!) }
        let dir = TempDir()
        let key = try testKey("p")
        let encrypted = seed % 2 == 0
        try writeSegment(dir.file("r.slsg"), entries, options: .init(codec: codec, encryptionKey: encrypted ? key : nil))
        #expect(try readSegment(dir.file("r.slsg"), keys: EncryptionKeyRing([key])) == entries)
    }

    @Test func emptySegment() throws {
        let dir = TempDir()
        let info = try writeSegment(dir.file("e.slsg"), [])
        #expect(info.entries == 0 && info.blockCount == 0)
        #expect(try readSegment(dir.file("e.slsg")).isEmpty)
    }

    @Test func unsortedKeysAreRejected() throws {
        let dir = TempDir()
        let w = try SegmentWriter(path: dir.file("u.slsg"))
        try w.append(key: [2], value: [1])
        #expect(throws: StateError.self) { try w.append(key: [1], value: [1]) }
        #expect(throws: StateError.self) { try w.append(key: [2], value: [1]) }
        w.abort()
        #expect(!FileManager.default.fileExists(atPath: dir.file("u.slsg.tmp")))
    }

    @Test func missingAndWrongKeysAreClearErrors() throws {
        let dir = TempDir()
        try writeSegment(dir.file("s.slsg"), sample(100, seed: 2), options: .init(encryptionKey: try testKey("prod")))
        let missing = #expect(throws: StateError.self) { try readSegment(dir.file("s.slsg")) }
        #expect(missing?.code == .encryptionKeyMissing)
        #expect(missing?.message.contains("'prod'") == true)
        let wrong = #expect(throws: StateError.self) {
            try readSegment(dir.file("s.slsg"), keys: EncryptionKeyRing([try testKey("prod", byte: 9)]))
        }
        #expect(wrong?.code == .encryptionKeyMismatch)
        // Checksums can still be verified without any key.
        try SegmentReader(path: dir.file("s.slsg"), requireKey: false).verifyChecksums()
    }

    @Test func keyMaterialForms() throws {
        let raw = [UInt8](0..<32)
        let hex = raw.map { String(format: "%02x", $0) }.joined()
        let b64 = Data(raw).base64EncodedString()
        let a = try EncryptionKey(id: "a", material: Array((hex + "\n").utf8))
        let b = try EncryptionKey(id: "a", material: Array(b64.utf8))
        let c = try EncryptionKey(id: "a", bytes: raw)
        #expect(a.checkValue == c.checkValue && b.checkValue == c.checkValue)
        #expect(throws: StateError.self) { try EncryptionKey(id: "a", material: Array("short".utf8)) }
    }
}
