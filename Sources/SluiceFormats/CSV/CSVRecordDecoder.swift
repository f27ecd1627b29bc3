public import SluiceCore

/// Decodes one CSV line per record (RFC 4180 quoting) into typed fields, using columns from
/// configuration — a Kafka record carries no header.
///
/// The cell count must equal the column count. An empty unquoted cell is null for every type; a quoted
/// empty cell (`""`) is the empty string in a `string` column and null otherwise. Conversion errors are
/// `WRONG_TYPE` / `OUT_OF_RANGE` naming the column.
///
/// ```swift
/// let decoder = CSVRecordDecoder(columns: [CSVColumn("user", .string), CSVColumn("amount", .number)])
/// let fields = try decoder.decode("u42,12.5")   // ["user": "u42", "amount": 12.5]
/// ```
public struct CSVRecordDecoder: RecordDecoder {
    public var columns: [CSVColumn]
    /// The cell separator, `,` by default (`;`, tab and `|` are common).
    public var delimiter: UInt8

    public init(columns: [CSVColumn], delimiter: UInt8 = UInt8(ascii: ",")) {
        self.columns = columns
        self.delimiter = delimiter
    }

    public func decode(_ bytes: UnsafeRawBufferPointer) throws(RecordError) -> Fields {
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw RecordError(.decode, "empty record") }
        var scanner = CSVCellScanner(base: base, count: bytes.count, delimiter: delimiter)
        if scanner.end == 0 { throw RecordError(.decode, "empty record") }
        var fields = Fields()
        fields.reserveCapacity(columns.count)
        var index = 0
        while let cell = try scanner.next() {
            guard index < columns.count else {
                throw RecordError(.decode, "too many cells: expected \(columns.count) columns "
                    + "(\(columns.map(\.name).joined(separator: ", "))), found more at byte \(cell.start)")
            }
            let column = columns[index]
            fields.append(column.name, try convert(cell, scanner: scanner, column: column))
            index += 1
        }
        if index < columns.count {
            let missing = columns[index...].map(\.name).joined(separator: ", ")
            throw RecordError(.missingField, field: columns[index].name,
                "expected \(columns.count) cells, found \(index); missing: \(missing)")
        }
        return fields
    }

    private func convert(_ cell: CSVCell, scanner: CSVCellScanner, column: CSVColumn) throws(RecordError) -> Value {
        if column.type == .string {
            if cell.start == cell.end && !cell.quoted { return .null }
            return .string(try scanner.text(cell, column: column.name))
        }
        // Typed cells: surrounding spaces are not significant.
        var start = cell.start
        var end = cell.end
        while start < end && scanner.byte(start) == 0x20 { start += 1 }
        while end > start && scanner.byte(end - 1) == 0x20 { end -= 1 }
        if start == end { return .null }
        switch column.type {
        case .string:
            return .null  // handled above
        case .boolean:
            if let b = Self.boolean(scanner.base + start, end - start) { return .bool(b) }
            throw wrongType(cell, scanner, column, "a boolean (true/false, yes/no, 1/0)")
        case .integer, .number:
            let (outcome, stop) = NumberScan.scan(scanner.base, start, end, lenient: true)
            guard stop == end else { throw wrongType(cell, scanner, column, column.type == .integer ? "an integer" : "a number") }
            switch (outcome, column.type) {
            case (.int(let i), .integer): return .int(i)
            case (.int(let i), _): return .double(Double(i))
            case (.double(let d), .number): return .double(d)
            case (.double, _):
                // Integral text that overflowed Int64 versus a fraction: different advice.
                let digitsOnly = (start..<end).allSatisfy { i in
                    let b = scanner.byte(i)
                    return b &- 0x30 < 10 || (i == start && (b == UInt8(ascii: "-") || b == UInt8(ascii: "+")))
                }
                if digitsOnly { throw outOfRange(cell, scanner, column, "beyond the range of a 64-bit integer") }
                throw wrongType(cell, scanner, column, "an integer")
            case (.tooLarge, _): throw outOfRange(cell, scanner, column, "beyond the range of a 64-bit double")
            case (.syntax, _): throw wrongType(cell, scanner, column, column.type == .integer ? "an integer" : "a number")
            }
        }
    }

    /// Case-insensitive match of the accepted spellings, packed into one integer to avoid a String.
    private static func boolean(_ p: UnsafeRawPointer, _ n: Int) -> Bool? {
        guard n <= 5 else { return nil }
        var packed: UInt64 = 0
        for i in 0..<n {
            var b = p.load(fromByteOffset: i, as: UInt8.self)
            if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") { b += 0x20 }
            packed = packed << 8 | UInt64(b)
        }
        switch packed {
        case 0x74_72_75_65, 0x79_65_73, 0x31: return true  // "true", "yes", "1"
        case 0x66_61_6C_73_65, 0x6E_6F, 0x30: return false  // "false", "no", "0"
        default: return nil
        }
    }

    private func preview(_ cell: CSVCell, _ scanner: CSVCellScanner) -> String {
        let n = min(cell.end - cell.start, 40)
        return ByteText.string(scanner.base + cell.start, n)
    }

    private func wrongType(_ cell: CSVCell, _ s: CSVCellScanner, _ c: CSVColumn, _ expected: String) -> RecordError {
        RecordError(.wrongType, field: c.name, "column '\(c.name)' (\(c.type.rawValue)) expected \(expected) at byte "
            + "\(cell.start), found '\(preview(cell, s))'")
    }

    private func outOfRange(_ cell: CSVCell, _ s: CSVCellScanner, _ c: CSVColumn, _ why: String) -> RecordError {
        RecordError(.outOfRange, field: c.name, "column '\(c.name)' (\(c.type.rawValue)): '\(preview(cell, s))' is \(why)")
    }
}
