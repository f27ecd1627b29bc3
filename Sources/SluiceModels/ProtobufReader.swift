// A hand-written protobuf wire-format reader for the subset of onnx.proto that ONNX scoring needs.
//
// Why not swift-protobuf: its code generator plugin takes about ten minutes to build on the
// project's 2-core machines, and ONNX scoring needs only seven message types. Reading the wire
// format directly (varint, length-delimited, fixed32/64, packed and unpacked repeated fields) is a
// few hundred lines, has no dependency, and lets every malformed byte become a `ModelError`
// with the message and field where it happened instead of a crash.

/// Protobuf wire types (groups, 3 and 4, are not used by onnx.proto and are rejected).
enum WireType: Int {
    case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
}

/// A cursor over one protobuf message (a byte range of the file).
struct ProtobufReader {
    let bytes: [UInt8]
    private(set) var pos: Int
    let end: Int
    /// Message name for error messages, e.g. `NodeProto`.
    let message: String

    init(bytes: [UInt8], range: Range<Int>? = nil, message: String) {
        self.bytes = bytes
        self.pos = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
        self.message = message
    }

    func fail(_ text: String, field: Int? = nil) -> ModelError {
        let where_ = field.map { "\(message) field \($0)" } ?? message
        return ModelError(.malformed, "invalid ONNX protobuf: \(text)", detail: "\(where_) at byte \(pos)")
    }

    /// The next field's number and wire type, or nil at the end of the message.
    mutating func nextField() throws(ModelError) -> (number: Int, wire: WireType)? {
        guard pos < end else { return nil }
        let key = try readVarint()
        let number = Int(truncatingIfNeeded: key >> 3)
        guard number > 0, number < 1 << 29 else { throw fail("invalid field number \(number)") }
        guard let wire = WireType(rawValue: Int(key & 7)) else {
            throw fail("unsupported wire type \(key & 7)", field: number)
        }
        return (number, wire)
    }

    mutating func readVarint() throws(ModelError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard pos < end else { throw fail("truncated varint") }
            let byte = bytes[pos]
            pos += 1
            if shift == 63 && byte > 1 { throw fail("varint longer than 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readInt64() throws(ModelError) -> Int64 { Int64(bitPattern: try readVarint()) }

    mutating func readInt32() throws(ModelError) -> Int32 { Int32(truncatingIfNeeded: try readVarint()) }

    mutating func readFixed32() throws(ModelError) -> UInt32 {
        guard end - pos >= 4 else { throw fail("truncated fixed32") }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[pos + i]) << (8 * UInt32(i)) }
        pos += 4
        return v
    }

    mutating func readFixed64() throws(ModelError) -> UInt64 {
        guard end - pos >= 8 else { throw fail("truncated fixed64") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[pos + i]) << (8 * UInt64(i)) }
        pos += 8
        return v
    }

    /// The byte range of a length-delimited field.
    mutating func readLengthDelimited() throws(ModelError) -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(end - pos) else { throw fail("length \(length) runs past the end of the message") }
        let range = pos..<(pos + Int(length))
        pos = range.upperBound
        return range
    }

    mutating func readBytes() throws(ModelError) -> [UInt8] { Array(bytes[try readLengthDelimited()]) }

    mutating func readString() throws(ModelError) -> String {
        String(decoding: bytes[try readLengthDelimited()], as: UTF8.self)
    }

    /// A reader for an embedded message.
    mutating func readMessage(_ name: String) throws(ModelError) -> ProtobufReader {
        ProtobufReader(bytes: bytes, range: try readLengthDelimited(), message: name)
    }

    mutating func skip(_ wire: WireType) throws(ModelError) {
        switch wire {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        }
    }

    /// Checks that a singular field has the expected wire type.
    func expect(_ wire: WireType, _ expected: WireType, field: Int) throws(ModelError) {
        if wire != expected { throw fail("wire type \(wire.rawValue), expected \(expected.rawValue)", field: field) }
    }

    // MARK: repeated scalars (packed or not)

    mutating func appendVarints(_ wire: WireType, field: Int, into out: inout [Int64]) throws(ModelError) {
        switch wire {
        case .varint: out.append(try readInt64())
        case .lengthDelimited:
            var sub = ProtobufReader(bytes: bytes, range: try readLengthDelimited(), message: message)
            while sub.pos < sub.end { out.append(try sub.readInt64()) }
        default: throw fail("wire type \(wire.rawValue) for a repeated varint", field: field)
        }
    }

    mutating func appendFloats(_ wire: WireType, field: Int, into out: inout [Float]) throws(ModelError) {
        switch wire {
        case .fixed32: out.append(Float(bitPattern: try readFixed32()))
        case .lengthDelimited:
            let range = try readLengthDelimited()
            guard range.count % 4 == 0 else { throw fail("packed float32 length \(range.count) is not a multiple of 4", field: field) }
            var sub = ProtobufReader(bytes: bytes, range: range, message: message)
            out.reserveCapacity(out.count + range.count / 4)
            while sub.pos < sub.end { out.append(Float(bitPattern: try sub.readFixed32())) }
        default: throw fail("wire type \(wire.rawValue) for a repeated float", field: field)
        }
    }

    mutating func appendDoubles(_ wire: WireType, field: Int, into out: inout [Double]) throws(ModelError) {
        switch wire {
        case .fixed64: out.append(Double(bitPattern: try readFixed64()))
        case .lengthDelimited:
            let range = try readLengthDelimited()
            guard range.count % 8 == 0 else { throw fail("packed double length \(range.count) is not a multiple of 8", field: field) }
            var sub = ProtobufReader(bytes: bytes, range: range, message: message)
            while sub.pos < sub.end { out.append(Double(bitPattern: try sub.readFixed64())) }
        default: throw fail("wire type \(wire.rawValue) for a repeated double", field: field)
        }
    }
}
