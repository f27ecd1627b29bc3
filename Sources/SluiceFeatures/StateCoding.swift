import SluiceCore

/// Little-endian writer for feature state. Layouts are versioned by the callers' headers.
///
/// A buffer of its own rather than an `[UInt8]`: a checkpoint encodes every changed key, millions of small
/// values, and appending to an array checked its capacity and uniqueness once per byte (18 k instructions
/// per S3 key, 28 per byte). Here a value checks the capacity once and is stored whole.
struct StateWriter: ~Copyable {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    /// Bytes written so far.
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(byteCount: self.capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    /// A copy of the bytes written.
    var bytes: [UInt8] { Array(UnsafeRawBufferPointer(start: base, count: count)) }

    /// Forgets what was written; the buffer is kept for the next state.
    mutating func removeAll() { count = 0 }

    @inline(__always) private mutating func reserve(_ n: Int) {
        if capacity &- count < n { grow(n) }
    }

    @inline(never) private mutating func grow(_ n: Int) {
        let newCapacity = Swift.max(capacity * 2, count + n)
        let new = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        new.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = new
        capacity = newCapacity
    }

    /// Stores `v`'s bytes as they are in memory (callers pass little-endian values) at the end.
    @inline(__always) private mutating func store<T: FixedWidthInteger>(_ v: T) {
        reserve(MemoryLayout<T>.size)
        base.storeBytes(of: v, toByteOffset: count, as: T.self)
        count &+= MemoryLayout<T>.size
    }

    mutating func u8(_ v: UInt8) { store(v) }
    mutating func bool(_ v: Bool) { store(UInt8(v ? 1 : 0)) }
    @inline(__always) mutating func u32(_ v: UInt32) { store(v.littleEndian) }
    @inline(__always) mutating func u64(_ v: UInt64) { store(v.littleEndian) }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }

    /// LEB128: 7 bits per byte, low first; small counts and time deltas take one to three bytes.
    mutating func varint(_ v: UInt64) {
        reserve(10)
        var x = v
        var at = count
        while x >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: x) | 0x80, toByteOffset: at, as: UInt8.self)
            at &+= 1
            x >>= 7
        }
        base.storeBytes(of: UInt8(x), toByteOffset: at, as: UInt8.self)
        count = at &+ 1
    }

    /// A signed varint (zigzag: small magnitudes of either sign stay small).
    mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    /// Raw bytes, without a length.
    mutating func append(_ b: [UInt8]) {
        b.withUnsafeBytes { raw in
            guard let source = raw.baseAddress else { return }
            reserve(raw.count)
            (base + count).copyMemory(from: source, byteCount: raw.count)
            count &+= raw.count
        }
    }

    mutating func blob(_ b: [UInt8]) { u32(UInt32(b.count)); append(b) }
    mutating func string(_ s: String) { blob(Array(s.utf8)) }

    mutating func value(_ v: Value) {
        switch v {
        case .null: u8(0)
        case .bool(let b): u8(1); bool(b)
        case .int(let i): u8(2); i64(i)
        case .double(let d): u8(3); f64(d)
        case .string(let s): u8(4); string(s)
        case .array(let a):
            u8(5); u32(UInt32(a.count))
            for x in a { value(x) }
        case .object(let o):
            u8(6); u32(UInt32(o.count))
            for f in o { string(f.name); value(f.value) }
        }
    }
}

/// Reader matching `StateWriter`; every read is bounds-checked and throws `.corruptState`.
struct StateReader {
    let bytes: [UInt8]
    private(set) var pos = 0
    /// The layout version of the state being read (from its header); series branch on it.
    var version: UInt8 = FeatureEngine.stateVersion

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { pos == bytes.count }

    private func corrupt(_ what: String) -> FeatureError {
        FeatureError(.corruptState, "feature state is truncated or corrupt: \(what)", context: ["offset": "\(pos)"])
    }

    mutating func u8() throws(FeatureError) -> UInt8 {
        guard pos < bytes.count else { throw corrupt("unexpected end") }
        defer { pos += 1 }
        return bytes[pos]
    }

    mutating func bool() throws(FeatureError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        default: throw corrupt("bad boolean")
        }
    }

    mutating func u32() throws(FeatureError) -> UInt32 {
        guard bytes.count - pos >= 4 else { throw corrupt("unexpected end") }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[pos + i]) << (8 * UInt32(i)) }
        pos += 4
        return v
    }

    mutating func u64() throws(FeatureError) -> UInt64 {
        guard bytes.count - pos >= 8 else { throw corrupt("unexpected end") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[pos + i]) << (8 * UInt64(i)) }
        pos += 8
        return v
    }

    mutating func i64() throws(FeatureError) -> Int64 { Int64(bitPattern: try u64()) }
    mutating func f64() throws(FeatureError) -> Double { Double(bitPattern: try u64()) }

    mutating func varint() throws(FeatureError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try u8()
            guard shift < 63 || (shift == 63 && b <= 1) else { throw corrupt("varint overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    mutating func zigzag() throws(FeatureError) -> Int64 {
        let u = try varint()
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }

    /// A varint length that must fit in the remaining bytes at `minSize` bytes per element.
    mutating func varCount(minSize: Int = 1) throws(FeatureError) -> Int {
        let v = try varint()
        guard v <= UInt64(bytes.count - pos) / UInt64(max(minSize, 1)) else { throw corrupt("length \(v) exceeds the data") }
        return Int(v)
    }

    /// A length that must fit in the remaining bytes at `minSize` bytes per element.
    mutating func count(minSize: Int = 1) throws(FeatureError) -> Int {
        let n = Int(try u32())
        guard n * max(minSize, 1) <= bytes.count - pos else { throw corrupt("length \(n) exceeds the data") }
        return n
    }

    mutating func blob() throws(FeatureError) -> [UInt8] {
        let n = try count()
        defer { pos += n }
        return Array(bytes[pos..<pos + n])
    }

    mutating func string() throws(FeatureError) -> String {
        let b = try blob()
        guard let s = String(validating: b, as: UTF8.self) else { throw corrupt("invalid UTF-8") }
        return s
    }

    mutating func value(depth: Int = 0) throws(FeatureError) -> Value {
        guard depth < 64 else { throw corrupt("value nested too deeply") }
        switch try u8() {
        case 0: return .null
        case 1: return .bool(try bool())
        case 2: return .int(try i64())
        case 3: return .double(try f64())
        case 4: return .string(try string())
        case 5:
            let n = try count()
            var a: [Value] = []
            a.reserveCapacity(n)
            for _ in 0..<n { a.append(try value(depth: depth + 1)) }
            return .array(a)
        case 6:
            let n = try count()
            var o = Fields()
            o.reserveCapacity(n)
            for _ in 0..<n {
                let name = try string()
                o.append(name, try value(depth: depth + 1))
            }
            return .object(o)
        default:
            throw corrupt("unknown value tag")
        }
    }
}
