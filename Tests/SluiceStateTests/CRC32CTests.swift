import Testing
@testable import SluiceState

@Suite struct CRC32CTests {
    @Test func knownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        // RFC 3720 B.4: 32 bytes of zeros and of 0xFF.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    }

    @Test(arguments: [0, 1, 7, 8, 9, 63, 64, 1000])
    func incrementalMatchesOneShot(split: Int) {
        var rng = SplitMix64(seed: 42)
        let data = rng.bytes(1000)
        let whole = CRC32C.checksum(data)
        let parts = data.withUnsafeBytes { buf in
            CRC32C.update(CRC32C.update(0, UnsafeRawBufferPointer(rebasing: buf[0..<split])), UnsafeRawBufferPointer(rebasing: buf[split...]))
        }
        #expect(parts == whole)
    }
}
