public import SluiceCore

extension Format {
    /// Builds a format from a topology's `format:` name and `options:` tree (YAML mapped to `Fields`).
    /// Unknown options and ill-typed values are `INVALID_OPTION` errors that list what is accepted.
    public init(name: String, options: Fields = Fields(), baseDirectory: String? = nil) throws(FormatError) {
        var reader = OptionReader(format: name, options: options)
        switch name {
        case "json":
            var o = JSONFormatOptions()
            o.maxDepth = try reader.int("max_depth") ?? o.maxDepth
            if let p = try reader.string("non_finite") {
                guard let policy = JSONRecordEncoder.NonFinitePolicy(rawValue: p) else {
                    throw FormatError(.invalidOption, "json option 'non_finite' must be 'error' or 'null', found '\(p)'")
                }
                o.nonFinite = policy
            }
            try reader.finish()
            self = .json(o)
        case "csv":
            var o = CSVFormatOptions(columns: try reader.columns())
            if let d = try reader.string("delimiter") {
                guard d.utf8.count == 1, let b = d.utf8.first, b != UInt8(ascii: "\""), b != 0x0A, b != 0x0D else {
                    throw FormatError(.invalidOption, "csv option 'delimiter' must be one ASCII character other than a quote or line break, found '\(d)'")
                }
                o.delimiter = b
            }
            if let t = try reader.string("terminator") {
                guard let term = CSVRecordEncoder.Terminator(rawValue: t) else {
                    throw FormatError(.invalidOption, "csv option 'terminator' must be none, lf or crlf, found '\(t)'")
                }
                o.terminator = term
            }
            try reader.finish()
            self = .csv(o)
        case "avro":
            var o = AvroFormatOptions(baseDirectory: baseDirectory)
            o.schema = try reader.string("schema")
            o.schemas = try reader.schemaMap()
            o.writeSchemaID = try reader.int("schema_id").map { Int32(truncatingIfNeeded: $0) }
            o.maxDepth = try reader.int("max_depth") ?? o.maxDepth
            o.maxCollectionItems = try reader.int("max_collection_items") ?? o.maxCollectionItems
            try reader.finish()
            if o.schema == nil && o.schemas.isEmpty {
                throw FormatError(.invalidOption, "avro needs 'schemas' (id → .avsc file, Confluent wire format) or 'schema' (bare Avro)")
            }
            self = .avro(o)
        default:
            throw FormatError(.invalidOption, "unknown format '\(name)'; known formats: json, csv, avro")
        }
    }
}

/// Reads typed options and remembers which were used, so leftovers can be reported as unknown.
private struct OptionReader {
    let format: String
    let options: Fields
    var used: Set<String> = []

    init(format: String, options: Fields) {
        self.format = format
        self.options = options
    }

    private func bad(_ key: String, _ expected: String, _ found: Value) -> FormatError {
        FormatError(.invalidOption, "\(format) option '\(key)' must be \(expected), found \(found.typeName) \(found)")
    }

    mutating func int(_ key: String) throws(FormatError) -> Int? {
        used.insert(key)
        guard let v = options[key] else { return nil }
        guard case .int(let i) = v, i > 0, i <= Int64(Int32.max) else { throw bad(key, "a positive integer", v) }
        return Int(i)
    }

    mutating func string(_ key: String) throws(FormatError) -> String? {
        used.insert(key)
        guard let v = options[key] else { return nil }
        guard case .string(let s) = v else { throw bad(key, "a string", v) }
        return s
    }

    mutating func columns() throws(FormatError) -> [CSVColumn] {
        used.insert("columns")
        guard case .object(let map) = options["columns"] ?? .null, !map.isEmpty else {
            throw FormatError(.invalidOption, "csv needs 'columns': an ordered mapping of column name to type "
                + "(\(CSVColumnType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var columns: [CSVColumn] = []
        for field in map {
            guard let name = field.value.asString, let type = CSVColumnType(rawValue: name) else {
                throw bad("columns.\(field.name)", CSVColumnType.allCases.map(\.rawValue).joined(separator: ", "), field.value)
            }
            columns.append(CSVColumn(field.name, type))
        }
        return columns
    }

    mutating func schemaMap() throws(FormatError) -> [Int32: String] {
        used.insert("schemas")
        guard let v = options["schemas"] else { return [:] }
        guard case .object(let map) = v else { throw bad("schemas", "a mapping of schema id to .avsc path", v) }
        var result: [Int32: String] = [:]
        for field in map {
            guard let id = Int32(field.name), let path = field.value.asString else {
                throw bad("schemas.\(field.name)", "an integer id mapped to a path", field.value)
            }
            result[id] = path
        }
        return result
    }

    func finish() throws(FormatError) {
        let unknown = options.map(\.name).filter { !used.contains($0) }
        if let first = unknown.first {
            throw FormatError(.invalidOption, "unknown \(format) option '\(first)'; valid options: "
                + used.sorted().joined(separator: ", "))
        }
    }
}
