public import SluiceCore

/// Encodes fields as one CSV line in a fixed column order, the inverse of `CSVRecordDecoder`.
///
/// Missing fields and nulls become empty cells; empty strings become `""` so they read back as
/// strings, not nulls. Cells holding the delimiter, a quote, `\r` or `\n` are quoted with `""` escapes.
/// Arrays and objects have no CSV form: `WRONG_TYPE` naming the column. NaN/±Infinity: `ENCODE` error.
///
/// ```swift
/// var line: [UInt8] = []
/// try CSVRecordEncoder(columns: ["user", "amount"]).encode(["user": "u42", "amount": 12.5], into: &line)
/// // u42,12.5
/// ```
public struct CSVRecordEncoder: RecordEncoder {
    /// What ends each encoded record: nothing for Kafka values (one record per message), a line break for files.
    public enum Terminator: String, Sendable, Hashable {
        case none
        case lf
        case crlf
    }

    public var columns: [String]
    public var delimiter: UInt8
    public var terminator: Terminator

    public init(columns: [String], delimiter: UInt8 = UInt8(ascii: ","), terminator: Terminator = .none) {
        self.columns = columns
        self.delimiter = delimiter
        self.terminator = terminator
    }

    /// Appends the header line (column names) followed by the terminator (`\n` if `terminator` is `.none`).
    public func encodeHeader(into buffer: inout [UInt8]) {
        for (i, name) in columns.enumerated() {
            if i > 0 { buffer.append(delimiter) }
            appendText(name, to: &buffer)
        }
        appendTerminator(to: &buffer, forcingLineBreak: true)
    }

    public func encode(_ fields: Fields, into buffer: inout [UInt8]) throws(RecordError) {
        for (i, name) in columns.enumerated() {
            if i > 0 { buffer.append(delimiter) }
            switch fields[name] ?? .null {
            case .null: break
            case .bool(let b): ByteWriter.appendString(b ? "true" : "false", to: &buffer)
            case .int(let v): ByteWriter.appendInt(v, to: &buffer)
            case .double(let d):
                guard d.isFinite else {
                    throw RecordError(.encode, field: name, "\(Value.double(d)) cannot be written to a CSV number column")
                }
                ByteWriter.appendDouble(d, to: &buffer)
            case .string(let s): appendText(s, to: &buffer)
            case .array, .object:
                let kind = (fields[name] ?? .null).typeName
                throw RecordError(.wrongType, field: name, "column '\(name)' holds an \(kind); CSV cells hold only "
                    + "strings, numbers and booleans (flatten it in a map operator first)")
            }
        }
        appendTerminator(to: &buffer, forcingLineBreak: false)
    }

    private func appendTerminator(to buffer: inout [UInt8], forcingLineBreak: Bool) {
        switch terminator {
        case .none: if forcingLineBreak { buffer.append(0x0A) }
        case .lf: buffer.append(0x0A)
        case .crlf: buffer.append(contentsOf: [0x0D, 0x0A])
        }
    }

    private func appendText(_ text: String, to out: inout [UInt8]) {
        var text = text
        let delimiter = self.delimiter
        text.withUTF8 { bytes in
            let needsQuotes = bytes.isEmpty || bytes.contains {
                $0 == delimiter || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D
            }
            guard needsQuotes else {
                out.append(contentsOf: bytes)
                return
            }
            out.append(UInt8(ascii: "\""))
            for b in bytes {
                if b == UInt8(ascii: "\"") { out.append(b) }
                out.append(b)
            }
            out.append(UInt8(ascii: "\""))
        }
    }
}
