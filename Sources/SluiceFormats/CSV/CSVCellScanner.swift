import SluiceCore

/// One cell located in the input: content bounds (quotes excluded) and how to read it.
struct CSVCell {
    var start: Int
    var end: Int
    var quoted: Bool
    /// The content holds `""` pairs that stand for one quote each.
    var hasEscapedQuotes: Bool
}

/// Splits one CSV record (RFC 4180) into cells. Quoted cells may hold the delimiter, `""` and line
/// breaks; a record ends at the end of the input or at a final `\n` / `\r\n`.
struct CSVCellScanner {
    let base: UnsafeRawPointer
    let end: Int
    let delimiter: UInt8
    var pos: Int
    /// True once the last cell of the record was returned.
    var finished = false

    init(base: UnsafeRawPointer, count: Int, delimiter: UInt8) {
        self.base = base
        self.delimiter = delimiter
        self.pos = 0
        // One trailing line break belongs to the line, not to the last cell.
        var e = count
        if e > 0 && base.load(fromByteOffset: e - 1, as: UInt8.self) == 0x0A { e -= 1 }
        if e > 0 && base.load(fromByteOffset: e - 1, as: UInt8.self) == 0x0D { e -= 1 }
        self.end = e
    }

    @inline(__always) func byte(_ i: Int) -> UInt8 { base.load(fromByteOffset: i, as: UInt8.self) }

    /// The next cell, or nil after the last one.
    mutating func next() throws(RecordError) -> CSVCell? {
        if finished { return nil }
        if pos < end && byte(pos) == UInt8(ascii: "\"") { return try quotedCell() }
        let start = pos
        while pos < end {
            let b = byte(pos)
            if b == delimiter {
                pos += 1
                return CSVCell(start: start, end: pos - 1, quoted: false, hasEscapedQuotes: false)
            }
            if b == 0x0A || b == 0x0D {
                throw RecordError(.decode, "unexpected line break at byte \(pos) outside quotes: one record holds "
                    + "one CSV line (quote cells that contain line breaks)")
            }
            pos += 1
        }
        finished = true
        return CSVCell(start: start, end: pos, quoted: false, hasEscapedQuotes: false)
    }

    private mutating func quotedCell() throws(RecordError) -> CSVCell {
        let open = pos
        pos += 1
        let start = pos
        var escaped = false
        while true {
            guard pos < end else {
                throw RecordError(.decode, "unterminated quoted cell starting at byte \(open): expected a closing '\"'")
            }
            if byte(pos) == UInt8(ascii: "\"") {
                if pos + 1 < end && byte(pos + 1) == UInt8(ascii: "\"") {
                    escaped = true
                    pos += 2
                    continue
                }
                let cell = CSVCell(start: start, end: pos, quoted: true, hasEscapedQuotes: escaped)
                pos += 1
                if pos == end {
                    finished = true
                } else if byte(pos) == delimiter {
                    pos += 1
                } else {
                    throw RecordError(.decode, "expected the delimiter or end of line after the closing quote at byte "
                        + "\(pos - 1), found \(ByteText.describe(byte(pos))) at byte \(pos)")
                }
                return cell
            }
            pos += 1
        }
    }

    /// The cell's text, with `""` unescaped; invalid UTF-8 is reported with its offset.
    func text(_ cell: CSVCell, column: String) throws(RecordError) -> String {
        if let bad = UTF8Check.firstInvalid(base, cell.start, cell.end) {
            throw RecordError(.invalidUTF8, field: column, "invalid UTF-8 byte 0x\(ByteText.hex(byte(bad))) at byte \(bad)")
        }
        guard cell.hasEscapedQuotes else { return ByteText.string(base + cell.start, cell.end - cell.start) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(cell.end - cell.start)
        var i = cell.start
        while i < cell.end {
            let b = byte(i)
            bytes.append(b)
            i += b == UInt8(ascii: "\"") ? 2 : 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
