import SluiceCore

/// Encodes values as Avro binary following a schema; type mismatches name the field path.
struct AvroBinaryWriter {
    let schema: AvroSchema

    @inline(__always)
    static func writeLong(_ v: Int64, to out: inout [UInt8]) {
        var n = UInt64(bitPattern: (v << 1) ^ (v >> 63))
        while n >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: n) | 0x80)
            n >>= 7
        }
        out.append(UInt8(n))
    }

    private func mismatch(_ value: Value, _ expected: String) -> RecordError {
        RecordError(.wrongType, "expected \(expected) for Avro, found \(value.typeName) \(value)")
    }

    func writeRecord(_ fields: Fields, _ schemaFields: [AvroSchema.Field], to out: inout [UInt8]) throws(RecordError) {
        for field in schemaFields {
            do {
                try write(try value(of: field, in: fields), field.type, to: &out)
            } catch {
                throw error.prefixingField(field.name)
            }
        }
    }

    /// The field's value, its schema default, or null when the type admits null.
    private func value(of field: AvroSchema.Field, in fields: Fields) throws(RecordError) -> Value {
        if let v = fields[field.name] { return v }
        if let d = field.defaultValue { return d }
        if accepts(.null, field.type) { return .null }
        if case .union(let branches) = schema.nodes[field.type], branches.contains(where: { accepts(.null, $0) }) {
            return .null
        }
        throw RecordError(.missingField, "field '\(field.name)' is required by the Avro schema and has no default")
    }

    func write(_ value: Value, _ node: Int, to out: inout [UInt8]) throws(RecordError) {
        switch schema.nodes[node] {
        case .null:
            guard value.isNull else { throw mismatch(value, "null") }
        case .boolean:
            guard let b = value.asBool else { throw mismatch(value, "a boolean") }
            out.append(b ? 1 : 0)
        case .int:
            guard let i = integer(value) else { throw mismatch(value, "an integer (int)") }
            guard i >= Int64(Int32.min) && i <= Int64(Int32.max) else {
                throw RecordError(.outOfRange, "\(i) does not fit an Avro int (32 bits)")
            }
            Self.writeLong(i, to: &out)
        case .long:
            guard let i = integer(value) else { throw mismatch(value, "an integer (long)") }
            Self.writeLong(i, to: &out)
        case .float:
            guard let d = value.asDouble else { throw mismatch(value, "a number (float)") }
            let f = Float(d)
            if d.isFinite && !f.isFinite { throw RecordError(.outOfRange, "\(d) is beyond the range of an Avro float") }
            withUnsafeBytes(of: f.bitPattern.littleEndian) { out.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
        case .double:
            guard let d = value.asDouble else { throw mismatch(value, "a number (double)") }
            withUnsafeBytes(of: d.bitPattern.littleEndian) { out.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
        case .string:
            guard case .string(let s) = value else { throw mismatch(value, "a string") }
            Self.writeLong(Int64(s.utf8.count), to: &out)
            ByteWriter.appendString(s, to: &out)
        case .bytes:
            let bytes = try latin1(value)
            Self.writeLong(Int64(bytes.count), to: &out)
            out.append(contentsOf: bytes)
        case .fixed(let name, let size):
            let bytes = try latin1(value)
            guard bytes.count == size else {
                throw RecordError(.badLength, "fixed '\(name)' needs exactly \(size) bytes, found \(bytes.count)")
            }
            out.append(contentsOf: bytes)
        case .decimal(let scale, let fixedSize):
            try writeDecimal(value, scale: scale, fixedSize: fixedSize, to: &out)
        case .enumeration(let name, let symbols):
            guard case .string(let s) = value else { throw mismatch(value, "a symbol of enum '\(name)'") }
            guard let i = symbols.firstIndex(of: s) else {
                throw RecordError(.notInEnum, "'\(s)' is not a symbol of enum '\(name)' (\(symbols.joined(separator: ", ")))")
            }
            Self.writeLong(Int64(i), to: &out)
        case .union(let branches):
            guard let i = branches.firstIndex(where: { accepts(value, $0) }) else {
                throw mismatch(value, "one of the union's types (\(branches.map(typeName).joined(separator: ", ")))")
            }
            Self.writeLong(Int64(i), to: &out)
            try write(value, branches[i], to: &out)
        case .record(let name, let fields):
            guard case .object(let nested) = value else { throw mismatch(value, "an object (record '\(name)')") }
            try writeRecord(nested, fields, to: &out)
        case .array(let items):
            guard case .array(let list) = value else { throw mismatch(value, "an array") }
            if !list.isEmpty {
                Self.writeLong(Int64(list.count), to: &out)
                for (i, item) in list.enumerated() {
                    do { try write(item, items, to: &out) } catch { throw error.prefixingField("[\(i)]") }
                }
            }
            out.append(0)
        case .map(let values):
            guard case .object(let entries) = value else { throw mismatch(value, "an object (map)") }
            if !entries.isEmpty {
                Self.writeLong(Int64(entries.count), to: &out)
                for entry in entries {
                    Self.writeLong(Int64(entry.name.utf8.count), to: &out)
                    ByteWriter.appendString(entry.name, to: &out)
                    do { try write(entry.value, values, to: &out) } catch { throw error.prefixingField(entry.name) }
                }
            }
            out.append(0)
        }
    }

    /// Integers, and doubles with an integral value (features computed as doubles still fit a long).
    private func integer(_ value: Value) -> Int64? {
        switch value {
        case .int(let i): i
        case .double: value.asInt
        default: nil
        }
    }

    /// Whether a union branch can hold `value` (the first branch that can is chosen).
    private func accepts(_ value: Value, _ node: Int) -> Bool {
        switch (value, schema.nodes[node]) {
        case (.null, .null), (.bool, .boolean): true
        case (.int, .int), (.int, .long), (.int, .float), (.int, .double), (.int, .decimal): true
        case (.double, .float), (.double, .double), (.double, .decimal): true
        case (.string, .string), (.string, .bytes): true
        case (.string(let s), .enumeration(_, let symbols)): symbols.contains(s)
        case (.string(let s), .fixed(_, let size)): s.unicodeScalars.count == size
        case (.array, .array), (.object, .record), (.object, .map): true
        default: false
        }
    }

    private func typeName(_ node: Int) -> String {
        switch schema.nodes[node] {
        case .null: "null"
        case .boolean: "boolean"
        case .int: "int"
        case .long: "long"
        case .float: "float"
        case .double: "double"
        case .bytes: "bytes"
        case .string: "string"
        case .decimal: "decimal"
        case .record(let n, _), .enumeration(let n, _), .fixed(let n, _): n
        case .array: "array"
        case .map: "map"
        case .union: "union"
        }
    }

    /// `bytes`/`fixed` values are strings whose characters are U+0000–U+00FF, one per byte.
    private func latin1(_ value: Value) throws(RecordError) -> [UInt8] {
        guard case .string(let s) = value else { throw mismatch(value, "a string of bytes (U+0000–U+00FF)") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            guard scalar.value <= 0xFF else {
                throw RecordError(.wrongType, "character U+\(String(scalar.value, radix: 16, uppercase: true)) cannot be "
                    + "an Avro byte: bytes are written as characters U+0000–U+00FF")
            }
            bytes.append(UInt8(scalar.value))
        }
        return bytes
    }

    private func writeDecimal(_ value: Value, scale: Int, fixedSize: Int?, to out: inout [UInt8]) throws(RecordError) {
        guard let d = value.asDouble else { throw mismatch(value, "a number (decimal)") }
        var factor = 1.0
        for _ in 0..<scale { factor *= 10 }
        let scaled = (d * factor).rounded()
        guard scaled.isFinite, abs(scaled) < 9.2e18 else {
            throw RecordError(.outOfRange, "\(d) with scale \(scale) exceeds the 64-bit unscaled range")
        }
        let unscaled = Int64(scaled)
        // Minimal two's-complement big-endian form.
        var bytes = withUnsafeBytes(of: unscaled.bigEndian) { Array($0) }
        while bytes.count > 1 && ((bytes[0] == 0 && bytes[1] < 0x80) || (bytes[0] == 0xFF && bytes[1] >= 0x80)) {
            bytes.removeFirst()
        }
        if let size = fixedSize {
            guard bytes.count <= size else {
                throw RecordError(.outOfRange, "\(d) needs \(bytes.count) bytes, the decimal's fixed size is \(size)")
            }
            let pad: UInt8 = unscaled < 0 ? 0xFF : 0
            out.append(contentsOf: repeatElement(pad, count: size - bytes.count))
        } else {
            Self.writeLong(Int64(bytes.count), to: &out)
        }
        out.append(contentsOf: bytes)
    }
}
