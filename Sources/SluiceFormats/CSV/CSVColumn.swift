/// The type of a CSV column; a cell is converted on decode and errors name the column.
public enum CSVColumnType: String, Sendable, Hashable, CaseIterable {
    /// Text as-is. An empty unquoted cell is null, a quoted empty cell (`""`) is the empty string.
    case string
    /// `Int64`; optional sign, surrounding spaces ignored. Out-of-range values are `OUT_OF_RANGE`.
    case integer
    /// Always `.double` (`42` reads as 42.0); decimal and exponent forms, `.5` and `5.` accepted.
    case number
    /// `true`/`false`, `yes`/`no`, `1`/`0`, case-insensitive.
    case boolean
}

/// One named, typed column.
public struct CSVColumn: Sendable, Hashable {
    public var name: String
    public var type: CSVColumnType

    public init(_ name: String, _ type: CSVColumnType = .string) {
        self.name = name
        self.type = type
    }
}
