import SluiceCore

/// A compact binary encoding of records for operator state (little-endian, LEB128 lengths).
/// Kept private to SluiceJoins: the format only has to round-trip between saves and loads.
struct StateWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ v: Int) {
        var x = UInt64(v)
        while x >= 0x80 {
            bytes.append(UInt8(x & 0x7F) | 0x80)
            x >>= 7
        }
        bytes.append(UInt8(x))
    }

    mutating func int64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) } }
    mutating func bool(_ b: Bool) { bytes.append(b ? 1 : 0) }
    mutating func string(_ s: String) {
        let utf8 = s.utf8
        varint(utf8.count)
        bytes.append(contentsOf: utf8)
    }
    mutating func raw(_ b: [UInt8]?) {
        guard let b else { return bool(false) }
        bool(true)
        varint(b.count)
        bytes.append(contentsOf: b)
    }

    mutating func value(_ v: Value) {
        switch v {
        case .null: bytes.append(0)
        case .bool(let b): bytes.append(b ? 2 : 1)
        case .int(let i): bytes.append(3); int64(i)
        case .double(let d): bytes.append(4); int64(Int64(bitPattern: d.bitPattern))
        case .string(let s): bytes.append(5); string(s)
        case .array(let a):
            bytes.append(6)
            varint(a.count)
            for e in a { value(e) }
        case .object(let o): bytes.append(7); fields(o)
        }
    }

    mutating func fields(_ f: Fields) {
        varint(f.count)
        for field in f {
            string(field.name)
            value(field.value)
        }
    }

    /// Everything but `raw` (dead letters of joined records carry the left record's fields instead).
    mutating func record(_ r: Record) {
        fields(r.fields)
        raw(r.key)
        varint(r.headers.count)
        for h in r.headers {
            string(h.name)
            raw(h.value)
        }
        int64(r.timestamp)
        bool(r.eventTime != nil)
        if let t = r.eventTime { int64(t) }
        bool(r.origin != nil)
        if let o = r.origin {
            string(o.topic)
            int64(Int64(o.partition))
            int64(o.offset)
        }
    }
}

struct StateReader {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    private func corrupt(_ what: String) -> JoinsError {
        JoinsError(.corruptState, "state value is corrupt (\(what) at byte \(position) of \(bytes.count))")
    }

    mutating func byte() throws(JoinsError) -> UInt8 {
        guard position < bytes.count else { throw corrupt("truncated") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws(JoinsError) -> Int {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { break }
            shift += 7
            guard shift < 63 else { throw corrupt("varint too long") }
        }
        guard result <= UInt64(bytes.count) else { throw corrupt("length \(result) too large") }
        return Int(result)
    }

    mutating func int64() throws(JoinsError) -> Int64 {
        guard position + 8 <= bytes.count else { throw corrupt("truncated integer") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return Int64(bitPattern: v)
    }

    mutating func bool() throws(JoinsError) -> Bool { try byte() != 0 }

    mutating func raw(count: Int) throws(JoinsError) -> [UInt8] {
        guard position + count <= bytes.count else { throw corrupt("truncated bytes") }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    mutating func string() throws(JoinsError) -> String {
        String(decoding: try raw(count: try varint()), as: UTF8.self)
    }

    mutating func optionalRaw() throws(JoinsError) -> [UInt8]? {
        try bool() ? try raw(count: try varint()) : nil
    }

    mutating func value() throws(JoinsError) -> Value {
        switch try byte() {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .int(try int64())
        case 4: return .double(Double(bitPattern: UInt64(bitPattern: try int64())))
        case 5: return .string(try string())
        case 6:
            let n = try varint()
            var a: [Value] = []
            a.reserveCapacity(n)
            for _ in 0..<n { a.append(try value()) }
            return .array(a)
        case 7: return .object(try fields())
        case let tag: throw corrupt("unknown value tag \(tag)")
        }
    }

    mutating func fields() throws(JoinsError) -> Fields {
        let n = try varint()
        var f = Fields()
        f.reserveCapacity(n)
        for _ in 0..<n {
            let name = try string()
            f.append(name, try value())
        }
        return f
    }

    mutating func record() throws(JoinsError) -> Record {
        var r = Record(fields: try fields())
        r.key = try optionalRaw()
        let headerCount = try varint()
        for _ in 0..<headerCount {
            let name = try string()
            r.headers.append(Header(name: name, value: try optionalRaw()))
        }
        r.timestamp = try int64()
        if try bool() { r.eventTime = try int64() }
        if try bool() {
            let topic = try string()
            let partition = try int64()
            guard let p = Int32(exactly: partition) else { throw corrupt("partition out of range") }
            r.origin = RecordOrigin(topic: topic, partition: p, offset: try int64())
        }
        return r
    }
}
