import SluiceCore

extension TopologyParser {
    static let sourceKeys = ["topic", "format", "key", "schema", "columns", "header", "delimiter", "partitions", "schema_registry", "event_time", "description"]

    /// `sources:` — a mapping of id → source; the ids (with their locations) are returned even for broken entries.
    func sources(_ node: YNode) -> (sources: [Source], ids: [Located<String>]) {
        guard case .mapping(let map) = node else {
            reporter.error(DiagnosticCode.wrongType, at: node.location, "'sources' must be a mapping of source id to source, found \(node.kindName)",
                           hint: "sources:\n  transactions: {topic: transactions, format: json}")
            return ([], [])
        }
        var result: [Source] = [], ids: [Located<String>] = []
        for entry in map.entries {
            let (key, value) = (entry.key, entry.value)
            let id = Located(key.text, at: key.location)
            ids.append(id)
            _ = checkID(id, what: "source")
            if let s = source(id, value) { result.append(s) }
        }
        return (result, ids)
    }

    private func source(_ id: Located<String>, _ node: YNode) -> Source? {
        guard let m = open(node, "source '\(id.value)'", Self.sourceKeys) else { return nil }
        let topic = m.string("topic", required: true)
        let format: DataFormat = m.choice("format") ?? .json
        let schema = m.path("schema")
        var declared: [String]?
        if let schema {
            let purpose: FilePurpose = format == .avro ? .avroSchema : .jsonSchema
            if checkFile(schema, purpose: purpose) {
                declared = SchemaFields.read(schema.value)
                if declared == nil {
                    reporter.warning(DiagnosticCode.file, at: schema.location, "\(purpose.rawValue) '\(schema.value)' declares no top-level fields",
                                     hint: "field references downstream of '\(id.value)' cannot be checked")
                }
            }
        }
        let columns = csvColumns(m)
        if format == .csv {
            if columns.isEmpty, m.bool("header") != true {
                m.missing("columns", hint: "CSV without a header line needs its column names: columns: [id, amount, ts]")
            }
            if !columns.isEmpty { declared = columns.map(\.name) }
        } else if m.has("columns") {
            reporter.error(DiagnosticCode.invalidValue, at: m.keyLocation("columns"), "'columns' applies to format csv only (source '\(id.value)' is \(format.rawValue))")
        }
        var registry: Source.SchemaRegistry?
        if let r = m.mapping("schema_registry", context: "schema_registry of source '\(id.value)'",
                             allowed: ["url", "username", "password", "password_file", "password_env"]) {
            let url = r.string("url", required: true)
            registry = url.map { Source.SchemaRegistry(url: $0.value, username: r.string("username")?.value, password: secret(r, "password")) }
        }
        if format == .avro, schema == nil, registry == nil, !m.has("schema_registry") {
            m.missing("schema", hint: "Avro needs a writer schema file (schema: …) or a schema_registry")
        }
        let key = m.string("key")
        if let key, let declared, !declared.contains(key.value) {
            reporter.error(DiagnosticCode.unknownField, at: key.location, "key field '\(key.value)' is not a field of source '\(id.value)'",
                           hint: Suggest.hint(for: key.value, in: declared))
        }
        let eventTime = self.eventTime(m, context: "event_time of source '\(id.value)'")
        if let field = eventTime?.field, let declared, !declared.contains(field.value) {
            reporter.error(DiagnosticCode.unknownField, at: field.location, "event-time field '\(field.value)' is not a field of source '\(id.value)'",
                           hint: Suggest.hint(for: field.value, in: declared))
        }
        guard let topic else { return nil }
        return Source(id: id.value, location: id.location, topic: topic.value, format: format, key: key?.value, schemaFile: schema?.value,
                      columns: columns, csvHeader: m.bool("header") ?? false, csvDelimiter: m.string("delimiter")?.value ?? ",",
                      partitions: m.int("partitions", min: 1), schemaRegistry: registry, eventTime: eventTime?.value,
                      declaredFields: declared)
    }

    /// `columns: [a, b]`, `columns: [{a: string}, …]` or `columns: {a: string, b: number}`.
    private func csvColumns(_ m: MapReader) -> [Source.CSVColumn] {
        guard let node = m.node("columns") else { return [] }
        var out: [Source.CSVColumn] = []
        func add(_ name: YScalar, _ type: YNode?) {
            var t: FieldType?
            if let type, case .scalar(let s) = type, !s.isNull {
                t = MapReader.choice(s, key: "column type", context: m.context, reporter: reporter)
            }
            out.append(.init(name: name.text, type: t))
        }
        switch node {
        case .sequence(let items, _):
            for item in items {
                if case .scalar(let s) = item { add(s, nil) }
                else if case .mapping(let pair) = item, pair.entries.count == 1 { add(pair.entries[0].key, pair.entries[0].value) }
                else { reporter.error(DiagnosticCode.wrongType, at: item.location, "a CSV column is a name or {name: type}, found \(item.kindName)") }
            }
        case .mapping(let map):
            for e in map.entries { add(e.key, e.value) }
        case .scalar:
            reporter.error(DiagnosticCode.wrongType, at: node.location, "'columns' in \(m.context) must be a list of column names")
        }
        return out
    }

    // MARK: sinks

    static let sinkKeys = ["id", "input", "topic", "format", "key", "headers", "partitions", "columns", "schema", "cluster", "description"]

    func sinks(_ node: YNode) -> [Sink] {
        guard case .sequence(let items, _) = node else {
            reporter.error(DiagnosticCode.wrongType, at: node.location, "'sinks' must be a list, found \(node.kindName)",
                           hint: "sinks:\n  - {input: scored, topic: scores, format: json}")
            return []
        }
        var out: [Sink] = []
        for (index, item) in items.enumerated() {
            guard let m = open(item, "sinks[\(index)]", Self.sinkKeys) else { continue }
            let input = m.string("input", required: true)
            let topic = m.string("topic", required: true)
            let format: DataFormat = m.choice("format") ?? .json
            var headers: [Sink.Header] = []
            for (name, value) in m.namedEntries("headers") ?? [] {
                guard case .scalar(let s) = value, !s.isNull else {
                    reporter.error(DiagnosticCode.wrongType, at: value.location, "header '\(name.text)' must be an expression, found \(value.kindName)")
                    continue
                }
                headers.append(.init(name: name.text, value: Expression(s.text, at: s.location)))
            }
            let schema = m.path("schema")
            if let schema { _ = checkFile(schema, purpose: .avroSchema) }
            if format == .avro, schema == nil { m.missing("schema", hint: "an Avro sink needs the writer schema file") }
            var cluster: ClusterConfig?
            if let c = m.mapping("cluster", context: "cluster of sinks[\(index)]", allowed: Self.clusterKeys) { cluster = self.cluster(c) }
            if let id = m.string("id") { _ = checkID(id, what: "sink") }
            guard let input, let topic else { continue }
            out.append(Sink(
                id: m.string("id")?.value ?? "sink:\(topic.value)", location: m.location,
                input: StreamRef(parsing: input.value, at: input.location), topic: topic.value, format: format, key: m.expression("key"),
                headers: headers, partitions: m.int("partitions", min: 1), columns: m.stringList("columns")?.map(\.value),
                schemaFile: schema?.value, cluster: cluster))
        }
        return out
    }
}
