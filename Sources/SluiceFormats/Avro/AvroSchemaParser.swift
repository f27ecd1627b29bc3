import SluiceCore

/// Builds the node table of an `AvroSchema` from its JSON form, resolving named types by full name.
struct AvroSchemaParser {
    var nodes: [AvroSchema.Node] = []
    private var named: [String: Int] = [:]
    private var primitives: [String: Int] = [:]

    init() {
        let kinds: [(String, AvroSchema.Node)] = [
            ("null", .null), ("boolean", .boolean), ("int", .int), ("long", .long),
            ("float", .float), ("double", .double), ("bytes", .bytes), ("string", .string),
        ]
        for (name, node) in kinds {
            primitives[name] = nodes.count
            nodes.append(node)
        }
    }

    private func invalid(_ message: String) -> FormatError { FormatError(.invalidSchema, message) }

    mutating func parse(_ json: Value, namespace: String?) throws(FormatError) -> Int {
        switch json {
        case .string(let name):
            return try reference(name, namespace: namespace)
        case .array(let branches):
            var indices: [Int] = []
            for branch in branches {
                let index = try parse(branch, namespace: namespace)
                if case .union = nodes[index] { throw invalid("a union may not directly contain another union") }
                indices.append(index)
            }
            guard !indices.isEmpty else { throw invalid("a union needs at least one branch") }
            nodes.append(.union(indices))
            return nodes.count - 1
        case .object(let object):
            return try parseObject(object, namespace: namespace)
        default:
            throw invalid("expected a type name, a union array or a type object, found \(json.typeName) \(json)")
        }
    }

    private func reference(_ name: String, namespace: String?) throws(FormatError) -> Int {
        if let p = primitives[name] { return p }
        if let ns = namespace, !name.contains("."), let n = named[ns + "." + name] { return n }
        if let n = named[name] { return n }
        throw invalid("unknown type '\(name)' (define a named type before referring to it; known: "
            + "\(named.keys.sorted().joined(separator: ", ")))")
    }

    private mutating func parseObject(_ object: Fields, namespace: String?) throws(FormatError) -> Int {
        guard let type = object["type"] else { throw invalid("type object without a \"type\" key: \(Value.object(object))") }
        guard case .string(let kind) = type else { return try parse(type, namespace: namespace) }
        let logical = object["logicalType"]?.asString
        switch kind {
        case "record", "error":
            return try parseRecord(object, namespace: namespace)
        case "enum":
            let (fullName, _) = try fullName(object, namespace: namespace)
            guard case .array(let list) = object["symbols"] ?? .null else { throw invalid("enum '\(fullName)' needs a \"symbols\" array") }
            var symbols: [String] = []
            for s in list {
                guard let s = s.asString, !symbols.contains(s) else { throw invalid("enum '\(fullName)': symbols must be unique strings") }
                symbols.append(s)
            }
            return register(fullName, .enumeration(name: fullName, symbols: symbols))
        case "array":
            guard let items = object["items"] else { throw invalid("array type needs \"items\"") }
            let i = try parse(items, namespace: namespace)
            nodes.append(.array(items: i))
            return nodes.count - 1
        case "map":
            guard let values = object["values"] else { throw invalid("map type needs \"values\"") }
            let v = try parse(values, namespace: namespace)
            nodes.append(.map(values: v))
            return nodes.count - 1
        case "fixed":
            let (fullName, _) = try fullName(object, namespace: namespace)
            guard let size = object["size"]?.asInt, size >= 0, size <= 1 << 20 else {
                throw invalid("fixed '\(fullName)' needs a \"size\" between 0 and 1048576")
            }
            if logical == "decimal" {
                return register(fullName, .decimal(scale: try scale(object), fixedSize: Int(size)))
            }
            return register(fullName, .fixed(name: fullName, size: Int(size)))
        case "bytes" where logical == "decimal":
            nodes.append(.decimal(scale: try scale(object), fixedSize: nil))
            return nodes.count - 1
        default:
            // Other logical types (timestamp-millis, date, uuid, ...) keep their underlying type.
            return try reference(kind, namespace: namespace)
        }
    }

    private func scale(_ object: Fields) throws(FormatError) -> Int {
        guard let precision = object["precision"]?.asInt, precision > 0 else { throw invalid("decimal needs a positive \"precision\"") }
        let scale = object["scale"]?.asInt ?? 0
        guard scale >= 0, scale <= precision, scale <= 22 else { throw invalid("decimal scale must be in 0...min(precision, 22)") }
        return Int(scale)
    }

    private mutating func parseRecord(_ object: Fields, namespace: String?) throws(FormatError) -> Int {
        let (fullName, ns) = try fullName(object, namespace: namespace)
        guard case .array(let list) = object["fields"] ?? .null else { throw invalid("record '\(fullName)' needs a \"fields\" array") }
        // Register first so fields may refer to the record itself (recursive types).
        let index = register(fullName, .record(name: fullName, fields: []))
        var fields: [AvroSchema.Field] = []
        for item in list {
            guard case .object(let f) = item, let name = f["name"]?.asString, let type = f["type"] else {
                throw invalid("record '\(fullName)': each field needs a \"name\" and a \"type\"")
            }
            if fields.contains(where: { $0.name == name }) { throw invalid("record '\(fullName)': duplicate field '\(name)'") }
            fields.append(AvroSchema.Field(name: name, type: try parse(type, namespace: ns), defaultValue: f["default"]))
        }
        nodes[index] = .record(name: fullName, fields: fields)
        return index
    }

    private func fullName(_ object: Fields, namespace: String?) throws(FormatError) -> (String, String?) {
        guard let name = object["name"]?.asString, !name.isEmpty else { throw invalid("named type without a \"name\"") }
        if let dot = name.lastIndex(of: ".") { return (name, String(name[..<dot])) }
        let ns = object["namespace"]?.asString ?? namespace
        guard let ns, !ns.isEmpty else { return (name, nil) }
        return (ns + "." + name, ns)
    }

    private mutating func register(_ fullName: String, _ node: AvroSchema.Node) -> Int {
        nodes.append(node)
        named[fullName] = nodes.count - 1
        return nodes.count - 1
    }
}
