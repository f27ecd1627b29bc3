import CLZ4
import CZstd

/// Block compression codec of a segment. The raw value is the codec id stored in the header.
public enum CompressionCodec: UInt8, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case none = 0
    case zstd = 1
    case lz4 = 2

    public var description: String {
        switch self {
        case .none: return "none"
        case .zstd: return "zstd"
        case .lz4: return "lz4"
        }
    }

    /// Parses "none", "zstd" or "lz4" (as written in topology files and manifests).
    public init?(name: String) {
        guard let codec = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = codec
    }
}

/// Reusable compression state for one thread: zstd contexts are expensive to create, so a
/// writer or reader keeps one for its whole life.
final class BlockCompressor {
    let codec: CompressionCodec
    let level: Int32
    private var cctx: OpaquePointer?
    private var dctx: OpaquePointer?

    init(codec: CompressionCodec, level: Int32) {
        self.codec = codec
        self.level = level
    }

    deinit {
        if let cctx { ZSTD_freeCCtx(cctx) }
        if let dctx { ZSTD_freeDCtx(dctx) }
    }

    /// Compresses `source` into `output` (replacing its contents).
    func compress(_ source: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        switch codec {
        case .none:
            output.removeAll(keepingCapacity: true)
            output.append(contentsOf: source)
        case .zstd:
            if cctx == nil { cctx = ZSTD_createCCtx() }
            let bound = ZSTD_compressBound(source.count)
            try fill(&output, capacity: bound) { dst in
                let n = ZSTD_compressCCtx(cctx, dst.baseAddress, dst.count, source.baseAddress, source.count, level)
                if ZSTD_isError(n) != 0 {
                    throw StateError(.compressionFailed, "zstd: \(String(cString: ZSTD_getErrorName(n)))")
                }
                return n
            }
        case .lz4:
            let bound = Int(LZ4_compressBound(Int32(source.count)))
            try fill(&output, capacity: bound) { dst in
                let n = LZ4_compress_default(
                    source.baseAddress?.assumingMemoryBound(to: CChar.self),
                    dst.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(source.count), Int32(dst.count))
                if n <= 0 && source.count > 0 { throw StateError(.compressionFailed, "lz4 compression failed") }
                return Int(n)
            }
        }
    }

    /// Decompresses `source` that must expand to exactly `rawLength` bytes; nil when the bytes
    /// are not a valid stream of this codec or have the wrong length.
    func decompress(_ source: UnsafeRawBufferPointer, rawLength: Int) -> [UInt8]? {
        switch codec {
        case .none:
            return source.count == rawLength ? [UInt8](source) : nil
        case .zstd:
            if dctx == nil { dctx = ZSTD_createDCtx() }
            let out = [UInt8](unsafeUninitializedCapacity: rawLength) { dst, count in
                let n = ZSTD_decompressDCtx(dctx, dst.baseAddress, rawLength, source.baseAddress, source.count)
                count = (ZSTD_isError(n) != 0 || n != rawLength) ? 0 : n
            }
            return out.count == rawLength ? out : nil
        case .lz4:
            if rawLength == 0 { return source.count == 1 && source[0] == 0 ? [] : (source.isEmpty ? [] : nil) }
            let out = [UInt8](unsafeUninitializedCapacity: rawLength) { dst, count in
                let n = LZ4_decompress_safe(
                    source.baseAddress?.assumingMemoryBound(to: CChar.self),
                    UnsafeMutableRawPointer(dst.baseAddress)?.assumingMemoryBound(to: CChar.self), Int32(source.count),
                    Int32(rawLength))
                count = n == Int32(rawLength) ? rawLength : 0
            }
            return out.count == rawLength ? out : nil
        }
    }

    private func fill(
        _ output: inout [UInt8], capacity: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws {
        if output.count < capacity { output.append(contentsOf: repeatElement(0, count: capacity - output.count)) }
        let n = try output.withUnsafeMutableBytes { try body(UnsafeMutableRawBufferPointer(rebasing: $0[0..<capacity])) }
        output.removeLast(output.count - n)
    }
}
