import SluiceCore

/// Decodes Avro binary data against a schema. Every length and count is checked against the bytes
/// that remain before anything is allocated, so hostile input fails with an error, never a crash.
struct AvroBinaryReader {
    let base: UnsafeRawPointer
    let end: Int
    let schema: AvroSchema
    let maxDepth: Int
    let maxItems: Int
    var pos: Int

    @inline(__always) private func byte(_ i: Int) -> UInt8 { base.load(fromByteOffset: i, as: UInt8.self) }

    private func truncated(_ need: Int, _ what: String) -> RecordError {
        RecordError(.decode, "truncated Avro data: \(what) at byte \(pos) needs \(need) byte(s), \(end - pos) left")
    }

    /// Zig-zag varint, at most 10 bytes.
    mutating func readLong() throws(RecordError) -> Int64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = pos
        while true {
            guard pos < end else { throw truncated(1, "a varint started at byte \(start)") }
            let b = byte(pos)
            pos += 1
            if shift == 63 && b > 1 { throw RecordError(.decode, "varint at byte \(start) overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        return Int64(bitPattern: result >> 1) ^ -Int64(bitPattern: result & 1)
    }

    private mutating func readInt() throws(RecordError) -> Int64 {
        let start = pos
        let v = try readLong()
        guard v >= Int64(Int32.min) && v <= Int64(Int32.max) else {
            throw RecordError(.outOfRange, "Avro int at byte \(start) is \(v), beyond 32 bits")
        }
        return v
    }

    /// A length prefix, checked to be non-negative and to fit in what remains.
    private mutating func readLength(_ what: String) throws(RecordError) -> Int {
        let start = pos
        let n = try readLong()
        guard n >= 0 else { throw RecordError(.decode, "negative \(what) length \(n) at byte \(start)") }
        guard n <= Int64(end - pos) else {
            throw RecordError(.decode, "\(what) length \(n) at byte \(start) exceeds the \(end - pos) bytes left")
        }
        return Int(n)
    }

    mutating func readRecord(_ fields: [AvroSchema.Field], depth: Int) throws(RecordError) -> Fields {
        var out = Fields()
        out.reserveCapacity(fields.count)
        for field in fields {
            do {
                out.append(field.name, try readValue(field.type, depth: depth))
            } catch {
                throw error.prefixingField(field.name)
            }
        }
        return out
    }

    mutating func readValue(_ node: Int, depth: Int) throws(RecordError) -> Value {
        switch schema.nodes[node] {
        case .null: return .null
        case .boolean:
            guard pos < end else { throw truncated(1, "a boolean") }
            let b = byte(pos)
            guard b <= 1 else { throw RecordError(.decode, "boolean byte at \(pos) is \(b), expected 0 or 1") }
            pos += 1
            return .bool(b == 1)
        case .int: return .int(try readInt())
        case .long: return .int(try readLong())
        case .float:
            guard end - pos >= 4 else { throw truncated(4, "a float") }
            let bits = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: pos, as: UInt32.self))
            pos += 4
            return .double(Double(Float(bitPattern: bits)))
        case .double:
            guard end - pos >= 8 else { throw truncated(8, "a double") }
            let bits = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: pos, as: UInt64.self))
            pos += 8
            return .double(Double(bitPattern: bits))
        case .string:
            let n = try readLength("string")
            if let bad = UTF8Check.firstInvalid(base, pos, pos + n) {
                throw RecordError(.invalidUTF8, "invalid UTF-8 byte 0x\(ByteText.hex(byte(bad))) at byte \(bad)")
            }
            defer { pos += n }
            return .string(ByteText.string(base + pos, n))
        case .bytes:
            let n = try readLength("bytes")
            defer { pos += n }
            return .string(ByteText.latin1String(base + pos, n))
        case .fixed(_, let size):
            guard end - pos >= size else { throw truncated(size, "a fixed") }
            defer { pos += size }
            return .string(ByteText.latin1String(base + pos, size))
        case .decimal(let scale, let fixedSize):
            var n = 0
            if let fixedSize { n = fixedSize } else { n = try readLength("decimal") }
            guard end - pos >= n else { throw truncated(n, "a decimal") }
            return .double(readDecimal(count: n, scale: scale))
        case .enumeration(_, let symbols):
            let start = pos
            let i = try readInt()
            guard i >= 0 && i < symbols.count else {
                throw RecordError(.notInEnum, "enum index \(i) at byte \(start) is outside 0..<\(symbols.count)")
            }
            return .string(symbols[Int(i)])
        case .union(let branches):
            let start = pos
            let i = try readLong()
            guard i >= 0 && i < branches.count else {
                throw RecordError(.decode, "union branch \(i) at byte \(start) is outside 0..<\(branches.count)")
            }
            return try readValue(branches[Int(i)], depth: depth)
        case .record(_, let fields):
            guard depth < maxDepth else { throw tooDeep() }
            return .object(try readRecord(fields, depth: depth + 1))
        case .array(let items):
            guard depth < maxDepth else { throw tooDeep() }
            var out: [Value] = []
            try readBlocks(itemSize: schema.minimumSizes[items]) { (r: inout AvroBinaryReader) throws(RecordError) in
                out.append(try r.readValue(items, depth: depth + 1))
            }
            return .array(out)
        case .map(let values):
            guard depth < maxDepth else { throw tooDeep() }
            var out = Fields()
            try readBlocks(itemSize: 1 + schema.minimumSizes[values]) { (r: inout AvroBinaryReader) throws(RecordError) in
                let n = try r.readLength("map key")
                if let bad = UTF8Check.firstInvalid(r.base, r.pos, r.pos + n) {
                    throw RecordError(.invalidUTF8, "invalid UTF-8 byte in map key at byte \(bad)")
                }
                let key = ByteText.string(r.base + r.pos, n)
                r.pos += n
                // Keys are unique in valid Avro; appending keeps hostile maps linear-time.
                do throws(RecordError) {
                    out.append(key, try r.readValue(values, depth: depth + 1))
                } catch { throw error.prefixingField(key) }
            }
            return .object(out)
        }
    }

    private func tooDeep() -> RecordError {
        RecordError(.decode, "Avro value nested deeper than \(maxDepth) levels at byte \(pos)")
    }

    /// Array and map blocks: a count (negative: followed by the block's byte size), items, until a 0 count.
    private mutating func readBlocks(
        itemSize: Int, _ readItem: (inout AvroBinaryReader) throws(RecordError) -> Void
    ) throws(RecordError) {
        var total = 0
        while true {
            let start = pos
            var count = try readLong()
            if count == 0 { return }
            if count < 0 {
                guard count != Int64.min else { throw RecordError(.decode, "invalid block count at byte \(start)") }
                count = -count
                let size = try readLong()
                guard size >= 0 && size <= Int64(end - pos) else {
                    throw RecordError(.decode, "block byte size \(size) at byte \(start) is negative or exceeds the input")
                }
            }
            // Each item needs at least itemSize bytes; zero-size items are bounded by maxItems instead.
            let fits = itemSize == 0 || count <= Int64((end - pos) / itemSize)
            guard fits && count <= Int64(maxItems - total) else {
                throw RecordError(.decode, "block of \(count) items at byte \(start) exceeds the remaining input or the "
                    + "limit of \(maxItems) items per collection")
            }
            total += Int(count)
            for _ in 0..<count { try readItem(&self) }
        }
    }

    /// Two's-complement big-endian unscaled integer divided by 10^scale.
    private mutating func readDecimal(count n: Int, scale: Int) -> Double {
        var unscaled = 0.0
        for i in 0..<n {
            let b = byte(pos + i)
            unscaled = i == 0 ? Double(Int8(bitPattern: b)) : unscaled * 256 + Double(b)
        }
        pos += n
        var divisor = 1.0
        for _ in 0..<scale { divisor *= 10 }
        return unscaled / divisor
    }
}

extension RecordError {
    /// Makes `field` a path from the outermost record: `payment` + `amount` → `payment.amount`.
    func prefixingField(_ name: String) -> RecordError {
        var e = self
        e.field = e.field.map { "\(name).\($0)" } ?? name
        return e
    }
}
