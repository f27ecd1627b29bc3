/// Converts typed values to and from the bytes a `KeyValueStore` holds.
public protocol StateCodec<Value>: Sendable {
    associatedtype Value
    func encode(_ value: Value, into bytes: inout [UInt8])
    func decode(_ bytes: [UInt8]) throws -> Value
}

extension StateCodec {
    public func encode(_ value: Value) -> [UInt8] {
        var out: [UInt8] = []
        encode(value, into: &out)
        return out
    }
}

/// 8-byte little-endian two's complement. Big-endian would sort numerically only for positive
/// values anyway; state keys that need ordering should use an explicit key layout.
public struct Int64Codec: StateCodec {
    public init() {}
    public func encode(_ value: Int64, into bytes: inout [UInt8]) { bytes.appendLE(value) }
    public func decode(_ bytes: [UInt8]) throws -> Int64 {
        var r = StateBinaryReader(bytes)
        let v = try r.readInt64()
        try r.expectEnd()
        return v
    }
}

/// IEEE-754 bit pattern, little-endian.
public struct DoubleCodec: StateCodec {
    public init() {}
    public func encode(_ value: Double, into bytes: inout [UInt8]) { bytes.appendLE(value.bitPattern) }
    public func decode(_ bytes: [UInt8]) throws -> Double {
        var r = StateBinaryReader(bytes)
        let v = try r.readDouble()
        try r.expectEnd()
        return v
    }
}

/// UTF-8 bytes, no length prefix.
public struct StringCodec: StateCodec {
    public init() {}
    public func encode(_ value: String, into bytes: inout [UInt8]) { bytes.append(contentsOf: value.utf8) }
    public func decode(_ bytes: [UInt8]) throws -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw StateError(.decodeFailed, "state value is not valid UTF-8 (\(bytes.count) bytes)")
        }
        return s
    }
}

/// A value with a hand-written binary layout (no Codable: fixed fields, no reflection, no allocation
/// beyond the output array).
///
/// ```swift
/// struct Welford: BinaryStateValue {
///     var n: Int64, mean: Double, m2: Double
///     func write(to w: inout StateBinaryWriter) { w.write(n); w.write(mean); w.write(m2) }
///     init(from r: inout StateBinaryReader) throws { n = try r.readInt64(); mean = try r.readDouble(); m2 = try r.readDouble() }
/// }
/// let view = TypedStore(store, key: StringCodec(), value: BinaryStructCodec<Welford>())
/// ```
public protocol BinaryStateValue {
    func write(to writer: inout StateBinaryWriter)
    init(from reader: inout StateBinaryReader) throws
}

/// Codec for any `BinaryStateValue`; decoding rejects trailing bytes.
public struct BinaryStructCodec<Value: BinaryStateValue>: StateCodec {
    public init() {}
    public func encode(_ value: Value, into bytes: inout [UInt8]) {
        var w = StateBinaryWriter(bytes)
        value.write(to: &w)
        bytes = w.bytes
    }
    public func decode(_ bytes: [UInt8]) throws -> Value {
        var r = StateBinaryReader(bytes)
        let v = try Value(from: &r)
        try r.expectEnd()
        return v
    }
}

/// Appends fixed-width little-endian fields and varint-prefixed byte strings.
public struct StateBinaryWriter {
    public private(set) var bytes: [UInt8]
    public init(_ bytes: [UInt8] = []) { self.bytes = bytes }
    public mutating func write(_ v: Int64) { bytes.appendLE(v) }
    public mutating func write(_ v: UInt64) { bytes.appendLE(v) }
    public mutating func write(_ v: Int32) { bytes.appendLE(v) }
    public mutating func write(_ v: Double) { bytes.appendLE(v.bitPattern) }
    public mutating func write(_ v: Bool) { bytes.append(v ? 1 : 0) }
    public mutating func write(_ v: [UInt8]) {
        bytes.appendVarint(UInt64(v.count))
        bytes.append(contentsOf: v)
    }
    public mutating func write(_ v: String) { write(Array(v.utf8)) }
}

/// Reads what `StateBinaryWriter` wrote; throws `.decodeFailed` on short or malformed input.
public struct StateBinaryReader {
    let bytes: [UInt8]
    public private(set) var position = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    private func short(_ what: String) -> StateError {
        StateError(.decodeFailed, "state value too short: needed \(what) at byte \(position) of \(bytes.count)")
    }

    private mutating func fixed<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard bytes.count - position >= size else { throw short("\(size) bytes") }
        let v = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: position, as: T.self) }
        position += size
        return T(littleEndian: v)
    }

    public mutating func readInt64() throws -> Int64 { try fixed(Int64.self) }
    public mutating func readUInt64() throws -> UInt64 { try fixed(UInt64.self) }
    public mutating func readInt32() throws -> Int32 { try fixed(Int32.self) }
    public mutating func readDouble() throws -> Double { Double(bitPattern: try fixed(UInt64.self)) }
    public mutating func readBool() throws -> Bool { try fixed(UInt8.self) != 0 }

    public mutating func readBytes() throws -> [UInt8] {
        let (len, next): (UInt64?, Int) = bytes.withUnsafeBytes {
            var c = ByteCursor($0, position: position)
            let v = c.readVarint()
            return (v, c.position)
        }
        guard let len, len <= UInt64(bytes.count - next) else { throw short("a length-prefixed byte string") }
        position = next + Int(len)
        return Array(bytes[next..<position])
    }

    public mutating func readString() throws -> String {
        try StringCodec().decode(try readBytes())
    }

    /// Throws when bytes are left over (a layout mismatch).
    public func expectEnd() throws {
        guard position == bytes.count else {
            throw StateError(.decodeFailed, "state value has \(bytes.count - position) unexpected trailing bytes")
        }
    }
}

/// A typed view over a `KeyValueStore`.
public struct TypedStore<KeyCodec: StateCodec, ValueCodec: StateCodec> {
    public let store: KeyValueStore
    public let keyCodec: KeyCodec
    public let valueCodec: ValueCodec

    public init(_ store: KeyValueStore, key: KeyCodec, value: ValueCodec) {
        self.store = store
        self.keyCodec = key
        self.valueCodec = value
    }

    public func get(_ key: KeyCodec.Value) throws -> ValueCodec.Value? {
        try store.get(keyCodec.encode(key)).map { try valueCodec.decode($0) }
    }

    public func put(_ key: KeyCodec.Value, _ value: ValueCodec.Value, timestamp: Int64 = 0) throws {
        try store.put(keyCodec.encode(key), valueCodec.encode(value), timestamp: timestamp)
    }

    @discardableResult
    public func delete(_ key: KeyCodec.Value) throws -> ValueCodec.Value? {
        try store.delete(keyCodec.encode(key)).map { try valueCodec.decode($0) }
    }
}
