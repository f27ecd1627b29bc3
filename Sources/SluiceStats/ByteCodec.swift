/// Little-endian, versioned binary encoding used by every checkpointable type in SluiceStats.
///
/// Layout of an encoded value: magic (4 ASCII bytes naming the type), format version (UInt8), then the
/// type's fields, all integers and doubles little-endian.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(magic: String, version: UInt8) {
        bytes.append(contentsOf: Array(magic.utf8.prefix(4)))
        bytes.append(version)
    }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
    public mutating func u64(_ v: UInt64) { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
    public mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    public mutating func f64(_ v: Double) { u64(v.bitPattern) }
    public mutating func f64s(_ vs: [Double]) { u64(UInt64(vs.count)); for v in vs { f64(v) } }
    public mutating func raw(_ vs: [UInt8]) { u64(UInt64(vs.count)); bytes.append(contentsOf: vs) }
}

/// Reads what `ByteWriter` wrote; every read is bounds-checked and throws `corruptEncoding`.
public struct ByteReader: Sendable {
    private let bytes: [UInt8]
    private var pos = 0
    /// The format version found in the header.
    public let version: UInt8

    /// Checks the magic and that the version is one of `supported`.
    public init(_ bytes: [UInt8], magic: String, supported: ClosedRange<UInt8>) throws(StatsError) {
        self.bytes = bytes
        let m = Array(magic.utf8.prefix(4))
        guard bytes.count >= m.count + 1, Array(bytes[0..<m.count]) == m else {
            throw StatsError(.corruptEncoding, "not an encoded \(magic) value (bad magic)", context: ["bytes": "\(bytes.count)"])
        }
        version = bytes[m.count]
        pos = m.count + 1
        guard supported.contains(version) else {
            throw StatsError(.unsupportedVersion, "\(magic) format version \(version) is not supported; upgrade Sluice",
                             context: ["supported": "\(supported)"])
        }
    }

    private mutating func take(_ n: Int) throws(StatsError) -> ArraySlice<UInt8> {
        guard n >= 0, pos + n <= bytes.count else {
            throw StatsError(.corruptEncoding, "encoded value is truncated", context: ["offset": "\(pos)", "need": "\(n)"])
        }
        defer { pos += n }
        return bytes[pos..<(pos + n)]
    }

    public mutating func u8() throws(StatsError) -> UInt8 { try take(1).first! }
    public mutating func u32() throws(StatsError) -> UInt32 {
        var v: UInt32 = 0
        for (i, b) in try take(4).enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
        return v
    }
    public mutating func u64() throws(StatsError) -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try take(8).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }
    public mutating func i64() throws(StatsError) -> Int64 { Int64(bitPattern: try u64()) }
    public mutating func f64() throws(StatsError) -> Double { Double(bitPattern: try u64()) }
    /// A count prefix, checked against the bytes that remain (each element needs at least `elementSize` bytes).
    public mutating func count(elementSize: Int) throws(StatsError) -> Int {
        let n = try u64()
        guard n <= UInt64((bytes.count - pos) / max(elementSize, 1)) else {
            throw StatsError(.corruptEncoding, "element count exceeds the encoded data", context: ["count": "\(n)"])
        }
        return Int(n)
    }
    public mutating func f64s() throws(StatsError) -> [Double] {
        let n = try count(elementSize: 8)
        var out = [Double](); out.reserveCapacity(n)
        for _ in 0..<n { out.append(try f64()) }
        return out
    }
    public mutating func raw() throws(StatsError) -> [UInt8] { Array(try take(try count(elementSize: 1))) }
    /// Throws unless every byte was consumed.
    public func finish() throws(StatsError) {
        guard pos == bytes.count else {
            throw StatsError(.corruptEncoding, "trailing bytes after encoded value", context: ["offset": "\(pos)"])
        }
    }
}

/// A value that checkpoints to and from bytes.
public protocol ByteSerializable {
    /// Little-endian, versioned encoding.
    func serialized() -> [UInt8]
    /// Decodes `serialized()` output; throws `StatsError` on corrupt or unsupported input.
    init(serialized bytes: [UInt8]) throws(StatsError)
}
