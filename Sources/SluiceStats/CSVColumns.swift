/// A small CSV column reader for profiles and tests: one header line, `,` separator, no quoting.
/// A column is numeric when every non-empty cell parses as a Double; `NaN` and empty cells are missing.
public struct CSVColumns: Sendable, Equatable {
    /// Column names in header order.
    public var names: [String]
    public var numeric: [String: [Double?]]
    public var categorical: [String: [String?]]

    /// Parses CSV text. - Throws: `invalidCSV` (with the 1-based line) for ragged rows or an empty header.
    public init(text: String) throws(StatsError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let header = lines.first, !header.isEmpty else { throw StatsError(.invalidCSV, "CSV has no header line") }
        names = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var cells = [[Substring]](repeating: [], count: names.count)
        for (i, line) in lines.dropFirst().enumerated() {
            let parts = line.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == names.count else {
                throw StatsError(.invalidCSV, "row has \(parts.count) cells but the header has \(names.count)", context: ["line": "\(i + 2)"])
            }
            for (j, p) in parts.enumerated() { cells[j].append(p) }
        }
        numeric = [:]; categorical = [:]
        for (j, name) in names.enumerated() {
            let col = cells[j]
            let parsed = col.map { $0.isEmpty ? nil : Double(String($0)) }
            let isNumeric = zip(col, parsed).allSatisfy { $0.0.isEmpty || $0.1 != nil }
            if isNumeric {
                numeric[name] = parsed.map { v in v.flatMap { $0.isNaN ? nil : $0 } }
            } else {
                categorical[name] = col.map { $0.isEmpty ? nil : String($0) }
            }
        }
    }
}
