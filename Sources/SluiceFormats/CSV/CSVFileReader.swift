import Foundation
public import SluiceCore

/// Reads a CSV file whose first line is the header, yielding one `Fields` per record.
///
/// The file is read in chunks (memory stays bounded by the largest record plus one chunk). Records may
/// span lines inside quotes; blank lines are skipped. Column types come from `types` (columns it does
/// not name are strings). Errors carry the 1-based line number of the record.
///
/// ```swift
/// var reader = try CSVFileReader(path: "payments.csv", types: ["amount": .number])
/// while let fields = try reader.next() { ... }
/// ```
public struct CSVFileReader {
    /// The columns from the header, with their configured types.
    public private(set) var columns: [CSVColumn]
    /// The line on which the next record starts.
    public private(set) var line = 1

    private var decoder: CSVRecordDecoder
    private var source: Source
    private var buffer: [UInt8] = []
    private var start = 0  // first unconsumed byte of `buffer`
    private var scan = 0  // how far the record-end search has looked
    private var inQuotes = false
    private var exhausted = false

    private enum Source {
        case file(FileHandle, chunkSize: Int)
        case memory
    }

    /// Opens `path` and reads its header line.
    public init(
        path: String, types: [String: CSVColumnType] = [:], delimiter: UInt8 = UInt8(ascii: ","),
        chunkSize: Int = 1 << 16
    ) throws(RecordError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RecordError(.decode, "cannot open CSV file '\(path)' for reading")
        }
        try self.init(source: .file(handle, chunkSize: max(chunkSize, 1)), bytes: [], types: types, delimiter: delimiter)
    }

    /// Reads CSV text already in memory (header line first).
    public init(bytes: [UInt8], types: [String: CSVColumnType] = [:], delimiter: UInt8 = UInt8(ascii: ",")) throws(RecordError) {
        try self.init(source: .memory, bytes: bytes, types: types, delimiter: delimiter)
    }

    private init(source: Source, bytes: [UInt8], types: [String: CSVColumnType], delimiter: UInt8) throws(RecordError) {
        self.source = source
        self.buffer = bytes
        self.exhausted = { if case .memory = source { true } else { false } }()
        self.columns = []
        self.decoder = CSVRecordDecoder(columns: [], delimiter: delimiter)
        guard let header = try nextRecordBytes() else { throw RecordError(.decode, "empty CSV file: no header line") }
        let names = try withRawBytes(header) { (raw) throws(RecordError) -> [String] in
            var cells = CSVCellScanner(base: raw.baseAddress!, count: raw.count, delimiter: delimiter)
            var names: [String] = []
            while let cell = try cells.next() { names.append(try cells.text(cell, column: "header")) }
            return names
        }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted || name.isEmpty {
            throw RecordError(.decode, "CSV header: column name '\(name)' is empty or repeated")
        }
        if let unknown = types.keys.sorted().first(where: { !seen.contains($0) }) {
            throw RecordError(.decode, field: unknown, "a type is configured for column '\(unknown)' but the header "
                + "has only: \(names.joined(separator: ", "))")
        }
        columns = names.map { CSVColumn($0, types[$0] ?? .string) }
        decoder = CSVRecordDecoder(columns: columns, delimiter: delimiter)
    }

    /// The next record, or nil at the end of the file.
    public mutating func next() throws(RecordError) -> Fields? {
        let recordLine = line
        guard let bytes = try nextRecordBytes() else { return nil }
        do {
            return try decoder.decode(bytes)
        } catch {
            var located = error
            located.message = "line \(recordLine): " + error.message
            throw located
        }
    }

    /// Finds the next non-blank record (quote-aware), reading more of the file as needed.
    private mutating func nextRecordBytes() throws(RecordError) -> [UInt8]? {
        while true {
            while scan < buffer.count {
                let b = buffer[scan]
                if b == UInt8(ascii: "\"") {
                    inQuotes.toggle()
                } else if b == 0x0A && !inQuotes {
                    let record = Array(buffer[start..<scan])
                    line += 1
                    scan += 1
                    start = scan
                    if record.isEmpty || record == [0x0D] { continue }
                    return record
                } else if b == 0x0A {
                    line += 1
                }
                scan += 1
            }
            if exhausted {
                guard start < buffer.count else { return nil }
                let record = Array(buffer[start...])
                start = buffer.count
                return record
            }
            try readChunk()
        }
    }

    private mutating func readChunk() throws(RecordError) {
        guard case .file(let handle, let chunkSize) = source else { exhausted = true; return }
        // Drop consumed bytes so memory stays bounded by one record plus one chunk.
        if start > 0 {
            buffer.removeFirst(start)
            scan -= start
            start = 0
        }
        let data: Data?
        do { data = try handle.read(upToCount: chunkSize) } catch {
            throw RecordError(.decode, "reading CSV file failed: \(error)")
        }
        guard let data, !data.isEmpty else {
            exhausted = true
            try? handle.close()
            return
        }
        buffer.append(contentsOf: data)
    }
}
