import Foundation
@testable import SluiceState

/// Deterministic generator so property tests reproduce from their seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }
}

/// A fresh temporary directory, removed when the value is released.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "sluice-state-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
}

func testKey(_ id: String, byte: UInt8 = 7) throws -> EncryptionKey {
    try EncryptionKey(id: id, bytes: [UInt8](repeating: byte, count: 32))
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Writes sorted entries (values and tombstones) as a segment.
@discardableResult
func writeSegment(_ path: String, _ entries: [SegmentEntry], options: SegmentWriterOptions = .init()) throws -> SegmentInfo {
    let w = try SegmentWriter(path: path, options: options)
    for e in entries { try w.append(e) }
    return try w.finish()
}

/// Opens and fully decodes a segment.
func readSegment(_ path: String, keys: EncryptionKeyRing = .init()) throws -> [SegmentEntry] {
    try SegmentReader(path: path, keys: keys).allEntries()
}

/// The store's content as a plain dictionary.
func contents(_ store: KeyValueStore) -> [[UInt8]: [UInt8]] {
    var out: [[UInt8]: [UInt8]] = [:]
    store.forEach { out[$0] = $1 }
    return out
}

func mutateFile(_ path: String, _ body: (inout [UInt8]) -> Void) throws {
    var data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    body(&data)
    try Data(data).write(to: URL(fileURLWithPath: path))
}
