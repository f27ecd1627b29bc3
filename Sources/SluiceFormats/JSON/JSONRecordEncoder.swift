public import SluiceCore

/// Encodes fields as one compact JSON object (no whitespace), the inverse of `JSONRecordDecoder`.
///
/// Integers are written as integers, doubles in their shortest round-trip form (`12.5`, `1e+16`, `100.0`
/// — a double stays a double when read back). NaN and ±Infinity are not JSON: by default they are an
/// `ENCODE` error naming the field; `nonFinite: .null` writes `null` instead.
///
/// ```swift
/// var buffer: [UInt8] = []
/// try JSONRecordEncoder().encode(["id": "e1", "score": 0.93], into: &buffer)
/// ```
public struct JSONRecordEncoder: RecordEncoder {
    /// What to do with NaN and ±Infinity.
    public enum NonFinitePolicy: String, Sendable, Hashable {
        case error
        case null
    }

    public var nonFinite: NonFinitePolicy
    private let names: NameLayout?

    /// - Parameter reusingNames: keep the top-level field names quoted and escaped between records (records of
    ///   one stream carry the same names in the same order). The encoder then changes as it works: give each
    ///   thread its own (a sink's encoder belongs to one partition task).
    public init(nonFinite: NonFinitePolicy = .error, reusingNames: Bool = false) {
        self.nonFinite = nonFinite
        self.names = reusingNames ? NameLayout() : nil
    }

    public func encode(_ fields: Fields, into buffer: inout [UInt8]) throws(RecordError) {
        try writeObject(fields, path: nil, into: &buffer)
    }

    /// Fields still holding, unchanged, the members of the JSON object they were decoded from (see
    /// `Fields.verbatimPrefix(ofJSON:)`) are not written again: that object's bytes are copied up to its closing
    /// brace, and only the fields added since are written after them. Numbers and escapes keep their
    /// original spelling (`1.50` stays `1.50`); the values read back are the same.
    public func encode(_ fields: Fields, decodedFrom raw: [UInt8]?, into out: inout [UInt8]) throws(RecordError) {
        guard let raw, let (prefix, close) = raw.withUnsafeBytes({ Self.verbatimSplice(fields, $0) }) else {
            return try writeObject(fields, path: nil, into: &out)
        }
        raw.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<close])) }
        try writeMembers(fields, from: prefix, path: nil, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The verbatim fields of `json` and the offset of its closing brace, when it can be reused.
    private static func verbatimSplice(_ fields: Fields, _ json: UnsafeRawBufferPointer) -> (Int, Int)? {
        guard let prefix = fields.verbatimPrefix(ofJSON: json) else { return nil }
        var close = json.count - 1
        while close > 0, json[close] != UInt8(ascii: "}") {
            guard json[close] == 0x20 || json[close] == 0x0A || json[close] == 0x0D || json[close] == 0x09 else { return nil }
            close -= 1
        }
        guard close > 0, json[close] == UInt8(ascii: "}") else { return nil }
        return (prefix, close)
    }

    private func writeObject(_ fields: Fields, path: String?, into out: inout [UInt8]) throws(RecordError) {
        out.append(UInt8(ascii: "{"))
        try writeMembers(fields, from: 0, path: path, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// Writes the fields from index `first` on, each preceded by a comma unless it is the object's first.
    private func writeMembers(_ fields: Fields, from first: Int, path: String?, into out: inout [UInt8]) throws(RecordError) {
        // Through the storage's buffer: iterating would copy (retain and release) every field, and a name
        // read lazily from the buffer (for errors) captures no reference. The layout of names is taken once
        // per record rather than once per field.
        try fields.storage.withUnsafeBufferPointer { (storage) throws(RecordError) in
            if path == nil, let names {
                // Positions count from `first`: after a verbatim copy, the layout holds the names added to it.
                var known = names.snapshot
                // Scalar members under remembered names are assembled here and appended together: one capacity
                // and uniqueness check for a run of them rather than one per member (S2 adds three).
                var pending = ScalarRun()
                defer { pending.flush(to: &out) }
                for i in first..<storage.count {
                    let position = i - first
                    if position < known.count, known.names[position] == storage[i].name {
                        if pending.add(storage[i].value, comma: i > 0, name: known.written(at: position)) { continue }
                        pending.flush(to: &out)
                        if i > 0 { out.append(UInt8(ascii: ",")) }
                        known.append(position, to: &out)
                    } else {
                        pending.flush(to: &out)
                        if i > 0 { out.append(UInt8(ascii: ",")) }
                        let start = out.count
                        JSONEscaping.appendQuoted(storage[i].name, to: &out)
                        out.append(UInt8(ascii: ":"))
                        known = NameLayout.Snapshot.empty  // a snapshot does not outlive a change of its layout
                        out.withUnsafeBytes {
                            names.remember(storage[i].name, written: UnsafeRawBufferPointer(rebasing: $0[start...]), at: position)
                        }
                        known = names.snapshot
                    }
                    try writeValue(storage[i].value, name: storage[i].name, parent: path, into: &out)
                }
            } else {
                for i in first..<storage.count {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    JSONEscaping.appendQuoted(storage[i].name, to: &out)
                    out.append(UInt8(ascii: ":"))
                    try writeValue(storage[i].value, name: storage[i].name, parent: path, into: &out)
                }
            }
        }
    }

    /// Consecutive members `,"name":value` for numbers, booleans and nulls under names quoted and written before,
    /// assembled in a fixed buffer of its own (no allocation) and appended to the output at once.
    private struct ScalarRun {
        static let capacity = 240
        static let maxName = 64
        private var bytes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        private var count = 0

        /// Adds `,"name":value` (the comma unless `comma` is false). False, with nothing added, for other values
        /// (and for NaN and ±Infinity, whose policy the general path applies), for names too long and when the run
        /// has no room left; the caller then flushes and writes the member itself.
        @inline(__always)
        mutating func add(_ value: Value, comma: Bool, name: UnsafeBufferPointer<UInt8>) -> Bool {
            guard name.count <= Self.maxName, let nameBytes = name.baseAddress else { return false }
            switch value {
            case .int, .bool, .null: break
            case .double(let d) where d.isFinite: break
            default: return false
            }
            guard count + 1 + name.count + ByteWriter.maxDoubleBytes <= Self.capacity else { return false }
            let start = count
            count += withUnsafeMutableBytes(of: &bytes) { buffer in
                let p = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + start
                var n = 0
                if comma {
                    p[0] = UInt8(ascii: ",")
                    n = 1
                }
                (p + n).update(from: nameBytes, count: name.count)
                n += name.count
                switch value {
                case .int(let i): n += ByteWriter.writeInt(i, to: p + n)
                case .double(let d): n += ByteWriter.writeDouble(d, to: p + n)
                case .bool(let b): n += JSONEscaping.writeLiteral(b ? "true" : "false", to: p + n)
                default: n += JSONEscaping.writeLiteral("null", to: p + n)
                }
                return n
            }
            return true
        }

        /// Appends the run to `out` and empties it.
        @inline(__always)
        mutating func flush(to out: inout [UInt8]) {
            guard count > 0 else { return }
            let n = count
            withUnsafeBytes(of: &bytes) { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            count = 0
        }
    }

    /// `name` is only needed for an error or a nested path: evaluated on demand, so that the common case
    /// does not copy (retain) the field name.
    private func writeValue(_ value: Value, name: @autoclosure () -> String, parent: String?, into out: inout [UInt8]) throws(RecordError) {
        switch value {
        case .null: JSONEscaping.appendLiteral("null", to: &out)
        case .bool(let b): JSONEscaping.appendLiteral(b ? "true" : "false", to: &out)
        case .int(let i): ByteWriter.appendInt(i, to: &out)
        case .double(let d):
            if d.isFinite {
                ByteWriter.appendDouble(d, to: &out)
            } else if nonFinite == .null {
                JSONEscaping.appendLiteral("null", to: &out)
            } else {
                let path = parent.map { "\($0).\(name())" } ?? name()
                throw RecordError(.encode, field: path, "\(Value.double(d)) is not representable in JSON "
                    + "(set the JSON format's nonFinite option to 'null' to write null instead)")
            }
        case .string(let s): JSONEscaping.appendQuoted(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                try writeValue(item, name: "\(name())[\(i)]", parent: parent, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let nested):
            try writeObject(nested, path: parent.map { "\($0).\(name())" } ?? name(), into: &out)
        }
    }
}

/// JSON string escaping: `"`, `\` and control characters; everything else (valid UTF-8) is copied.
enum JSONEscaping {
    @inline(__always)
    static func appendLiteral(_ word: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
    }

    /// Writes `word` at `p`; returns its length.
    @inline(__always)
    static func writeLiteral(_ word: StaticString, to p: UnsafeMutablePointer<UInt8>) -> Int {
        p.update(from: word.utf8Start, count: word.utf8CodeUnitCount)
        return word.utf8CodeUnitCount
    }

    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                runStart = i + 1
                out.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                default:
                    appendLiteral("u00", to: &out)
                    let low = b & 15
                    out.append(UInt8(ascii: "0") + (b >> 4))
                    out.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
                }
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
