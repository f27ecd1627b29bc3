import Foundation
import Testing
@testable import SluiceState

/// Every region of a segment is checksummed: flipping any byte or truncating the file must be
/// reported as `corruptSegment` naming the region, never read as data.
@Suite struct SegmentCorruptionTests {
    struct Layout {
        let path: String
        let reader: SegmentReader
        let size: Int
    }

    func makeSegment(_ dir: TempDir, encrypted: Bool = false) throws -> Layout {
        var rng = SplitMix64(seed: 99)
        let entries = (0..<400).map { i in
            SegmentEntry(key: Array(String(format: "key-%05d", i).utf8), value: rng.bytes(40))
        }
        let path = dir.file("c.slsg")
        let info = try writeSegment(path, entries, options: .init(codec: .lz4, blockSize: 2048, encryptionKey: encrypted ? try testKey("k") : nil))
        return Layout(path: path, reader: try SegmentReader(path: path, keys: EncryptionKeyRing([try testKey("k")])), size: info.bytes)
    }

    func readError(_ path: String) -> StateError? {
        do {
            _ = try readSegment(path, keys: EncryptionKeyRing([try testKey("k")]))
            return nil
        } catch let e as StateError {
            return e
        } catch {
            return nil
        }
    }

    func flip(_ path: String, at offset: Int) throws {
        try mutateFile(path) { $0[offset] ^= 0x5A }
    }

    @Test(arguments: [false, true])
    func everyBlockIsChecked(encrypted: Bool) throws {
        let dir = TempDir()
        let layout = try makeSegment(dir, encrypted: encrypted)
        #expect(layout.reader.blocks.count >= 5)
        let original = try Data(contentsOf: URL(fileURLWithPath: layout.path))
        for (k, block) in layout.reader.blocks.enumerated() {
            // Framing byte, a payload byte and the trailing CRC byte of each block.
            for offset in [Int(block.offset) + 1, Int(block.offset) + Int(block.length) / 2, Int(block.offset) + Int(block.length) - 1] {
                try flip(layout.path, at: offset)
                let error = readError(layout.path)
                #expect(error?.code == .corruptSegment)
                #expect(error?.region == .block(k), "offset \(offset)")
                #expect(error?.path == layout.path)
                try original.write(to: URL(fileURLWithPath: layout.path))
            }
        }
    }

    @Test func headerIndexAndFooterAreChecked() throws {
        let dir = TempDir()
        let layout = try makeSegment(dir)
        let original = try Data(contentsOf: URL(fileURLWithPath: layout.path))
        let indexOffset = Int(layout.reader.footer.indexOffset)
        let cases: [(Int, SegmentRegion)] = [
            (0, .header), (5, .header), (6, .header), (12, .header), (40, .header),
            (indexOffset, .index), (indexOffset + 9, .index), (layout.size - 33, .index),
            (layout.size - 32, .footer), (layout.size - 20, .footer), (layout.size - 9, .footer), (layout.size - 1, .footer),
        ]
        for (offset, region) in cases {
            try flip(layout.path, at: offset)
            let error = readError(layout.path)
            #expect(error?.code == .corruptSegment, "offset \(offset)")
            #expect(error?.region == region, "offset \(offset): \(String(describing: error))")
            try original.write(to: URL(fileURLWithPath: layout.path))
        }
    }

    @Test func truncationAtAnyOffsetIsDetected() throws {
        let dir = TempDir()
        let layout = try makeSegment(dir)
        let original = try Data(contentsOf: URL(fileURLWithPath: layout.path))
        var offsets = Array(stride(from: 0, to: layout.size, by: 97))
        offsets += [1, 4, 44, layout.size - 1, layout.size - 31, layout.size - 32, layout.size - 33]
        for cut in offsets {
            try original.prefix(cut).write(to: URL(fileURLWithPath: layout.path))
            let error = readError(layout.path)
            #expect(error?.code == .corruptSegment, "truncated to \(cut) bytes")
        }
    }

    @Test func notASegment() throws {
        let dir = TempDir()
        try Data(repeating: 0x41, count: 500).write(to: URL(fileURLWithPath: dir.file("x.slsg")))
        let error = readError(dir.file("x.slsg"))
        #expect(error?.code == .corruptSegment)
        #expect(error?.region == .footer)
    }
}
