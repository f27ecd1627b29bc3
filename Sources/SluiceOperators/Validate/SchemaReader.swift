import SluiceCore
import SluiceTopology

/// Turns one JSON Schema property into a `FieldConstraint`, rejecting keywords outside the subset.
struct SchemaReader {
    let file: String?

    func fail(_ message: String) -> OperatorSetupError {
        OperatorSetupError(.schema, "\(file ?? "JSON Schema"): \(message)")
    }

    func allowOnly(_ object: Fields, _ allowed: Set<String>, _ context: String) throws(OperatorSetupError) {
        for field in object where !allowed.contains(field.name) && !JSONSchemaSubset.annotations.contains(field.name) {
            throw fail("keyword '\(field.name)' in \(context) is outside the supported JSON Schema subset "
                + "(supported: \(allowed.sorted().joined(separator: ", ")); see docs/operators.md)")
        }
    }

    /// `type` as a list of field types plus whether `"null"` was listed; `nil` when absent.
    func types(_ value: Value?, _ context: String) throws(OperatorSetupError) -> (types: [FieldType], null: Bool)? {
        guard let value else { return nil }
        let names: [Value]
        switch value {
        case .string: names = [value]
        case .array(let a): names = a
        default: throw fail("'type' in \(context) must be a type name or an array of names, found \(value)")
        }
        var types: [FieldType] = []
        var null = false
        for n in names {
            guard let name = n.asString else { throw fail("'type' in \(context) lists \(n), not a type name") }
            if name == "null" { null = true; continue }
            guard let t = FieldType(rawValue: name) else {
                throw fail("unknown type '\(name)' in \(context); expected string, number, integer, boolean, object, array or null")
            }
            types.append(t)
        }
        return (types, null)
    }

    private func number(_ p: Fields, _ key: String, _ context: String) throws(OperatorSetupError) -> Double? {
        guard let v = p[key] else { return nil }
        guard let d = v.asDouble else { throw fail("'\(key)' in \(context) must be a number, found \(v)") }
        return d
    }

    private func count(_ p: Fields, _ key: String, _ context: String) throws(OperatorSetupError) -> Int? {
        guard let v = p[key] else { return nil }
        guard let i = v.asInt, i >= 0, i <= Int64(Int32.max) else {
            throw fail("'\(key)' in \(context) must be a non-negative integer, found \(v)")
        }
        return Int(i)
    }

    /// A draft 2020-12 numeric `exclusiveMinimum`, or the draft-4 boolean form modifying `minimum`.
    private func bound(_ p: Fields, _ plain: String, _ exclusive: String, _ context: String) throws(OperatorSetupError)
        -> FieldConstraint.Bound?
    {
        let inclusive = try number(p, plain, context)
        switch p[exclusive] {
        case nil: return inclusive.map { FieldConstraint.Bound($0) }
        case .bool(let b)?: return inclusive.map { FieldConstraint.Bound($0, exclusive: b) }
        case let v?:
            guard let d = v.asDouble else { throw fail("'\(exclusive)' in \(context) must be a number, found \(v)") }
            // Both given: the stricter one applies (for a minimum, the larger; callers pass `plain` accordingly).
            if let inclusive, plain == "minimum" ? inclusive > d : inclusive < d { return FieldConstraint.Bound(inclusive) }
            return FieldConstraint.Bound(d, exclusive: true)
        }
    }

    func constraint(_ name: String, _ schema: Value) throws(OperatorSetupError) -> FieldConstraint {
        let context = "property '\(name)'"
        guard case .object(let p) = schema else { throw fail("\(context) must be a schema object, found \(schema)") }
        try allowOnly(p, JSONSchemaSubset.propertyKeywords, context)
        let declared = try types(p["type"], context)
        var c = FieldConstraint(name: name, types: declared?.types ?? [])
        if let e = p["enum"] {
            guard case .array(let values) = e, !values.isEmpty else { throw fail("'enum' in \(context) must be a non-empty array") }
            c.allowed = values
        }
        if let k = p["const"] { c.allowed = [k] }
        let enumAdmitsNull = c.allowed.map { $0.contains(.null) } ?? true
        c.nullable = declared.map { $0.null } ?? enumAdmitsNull
        if case .bool(true)? = p["nullable"] { c.nullable = true }
        c.minimum = try bound(p, "minimum", "exclusiveMinimum", context)
        c.maximum = try bound(p, "maximum", "exclusiveMaximum", context)
        // minItems/maxItems bound arrays the way minLength/maxLength bound strings.
        let minItems = try count(p, "minItems", context), maxItems = try count(p, "maxItems", context)
        c.minLength = try count(p, "minLength", context) ?? minItems
        c.maxLength = try count(p, "maxLength", context) ?? maxItems
        if let pattern = p["pattern"] {
            guard let source = pattern.asString else { throw fail("'pattern' in \(context) must be a string") }
            do { c.pattern = try FieldPattern(source, field: name) } catch { throw fail(error.message) }
        }
        if let items = p["items"] {
            guard case .object(let itemSchema) = items else { throw fail("'items' in \(context) must be a schema object") }
            try allowOnly(itemSchema, ["type"], "'items' of \(context)")
            c.itemTypes = try types(itemSchema["type"], "'items' of \(context)")?.types ?? []
        }
        return c
    }
}
