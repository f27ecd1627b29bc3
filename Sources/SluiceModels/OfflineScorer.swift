import Foundation

/// Batch scoring of a CSV file, as used by `sluice model score`.
public enum OfflineScorer {
    /// Rows scored per `score` call.
    static let batchSize = 4096

    /// Scores every row of `inputPath` with `model` and writes `outputPath`.
    ///
    /// Input: a header line naming the columns, then one row per line, `,` separated, no quoting.
    /// Columns are matched to `model.featureNames` by name, in any order; extra columns are ignored.
    /// An empty cell or `NaN` is a missing value. Output: header `row,<outputNames...>`, then one line
    /// per input row with its 0-based index and the scores (shortest round-trip decimals, `NaN` if missing).
    ///
    /// - Returns: the number of rows scored.
    /// - Throws: `ModelError` with code `.badInput` (missing feature column, unparsable cell, wrong
    ///   cell count; `detail` names the line and column) or `.unreadable` for I/O failures.
    @discardableResult
    public static func scoreCSV(model: any ScoringModel, inputPath: String, outputPath: String) throws(ModelError) -> Int {
        let text: String
        do {
            text = try String(contentsOfFile: inputPath, encoding: .utf8)
        } catch {
            throw ModelError(.unreadable, "cannot read input CSV: \(error.localizedDescription)", path: inputPath)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let headerLine = lines.first else {
            throw ModelError(.badInput, "the input CSV is empty (a header line is required)", path: inputPath)
        }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var columnOf = [String: Int]()
        for (i, name) in header.enumerated() where columnOf[name] == nil { columnOf[name] = i }
        var sources = [Int]()
        for name in model.featureNames {
            guard let c = columnOf[name] else {
                throw ModelError(.badInput, "the input CSV has no column '\(name)' (model features: \(model.featureNames.joined(separator: ",")))",
                                 path: inputPath, detail: "line 1")
            }
            sources.append(c)
        }
        let f = model.featureNames.count, width = model.outputNames.count
        var output = "row," + model.outputNames.joined(separator: ",") + "\n"
        var input = [Double](repeating: .nan, count: batchSize * f)
        var scores = [Double](repeating: 0, count: batchSize * width)
        var rowIndex = 0
        var lineIndex = 1
        while lineIndex < lines.count {
            let rows = min(batchSize, lines.count - lineIndex)
            for r in 0..<rows {
                let cells = lines[lineIndex + r].split(separator: ",", omittingEmptySubsequences: false)
                guard cells.count == header.count else {
                    throw ModelError(.badInput, "expected \(header.count) cells, found \(cells.count)",
                                     path: inputPath, detail: "line \(lineIndex + r + 1)")
                }
                for (j, c) in sources.enumerated() {
                    guard let v = parseCell(cells[c]) else {
                        throw ModelError(.badInput, "'\(cells[c])' is not a number", path: inputPath,
                                         detail: "line \(lineIndex + r + 1), column '\(header[c])'")
                    }
                    input[r * f + j] = v
                }
            }
            input.withUnsafeBufferPointer { inp in
                scores.withUnsafeMutableBufferPointer { model.score(inp, rows: rows, into: $0) }
            }
            for r in 0..<rows {
                output += String(rowIndex)
                for k in 0..<width {
                    let v = scores[r * width + k]
                    output += v.isNaN ? ",NaN" : ",\(v)"
                }
                output += "\n"
                rowIndex += 1
            }
            lineIndex += rows
        }
        do {
            try output.write(toFile: outputPath, atomically: true, encoding: .utf8)
        } catch {
            throw ModelError(.unreadable, "cannot write output CSV: \(error.localizedDescription)", path: outputPath)
        }
        return rowIndex
    }

    /// Empty or `NaN` (any case) → NaN; otherwise a decimal number.
    static func parseCell(_ cell: Substring) -> Double? {
        let trimmed = cell.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.lowercased() == "nan" { return .nan }
        return Double(trimmed)
    }
}
