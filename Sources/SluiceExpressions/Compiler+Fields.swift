import SluiceCore

extension Compiler {
    /// A field reference. A missing field reads as null; with a schema, an undeclared one is an error.
    mutating func compileField(_ path: [String], _ node: ExpressionNode) throws(ExpressionTypeError) -> CompiledNode {
        let name = path.joined(separator: ".")
        referencedFields.insert(name)
        let type = try fieldType(path, node)
        let eval: Evaluator
        if path.count == 1 {
            let position = FieldPosition(path[0])
            eval = { r, _ in
                guard let i = position.index(in: r.fields) else { return .null }
                return r.fields.storage[i].value
            }
        } else {
            let head = FieldPosition(path[0])
            eval = { r, _ in
                guard let i = head.index(in: r.fields) else { return .null }
                var current = r.fields.storage[i].value
                for segment in path.dropFirst() {
                    guard case .object(let o) = current, let next = o[segment] else { return .null }
                    current = next
                }
                return current
            }
        }
        var compiled = CompiledNode(type: type, eval: eval)
        compiled.field = name
        return compiled
    }

    private func fieldType(_ path: [String], _ node: ExpressionNode) throws(ExpressionTypeError) -> ValueType {
        guard let schema else { return .any }
        let name = path.joined(separator: ".")
        if let t = schema[name] { return t }
        // A declared parent object: its inner fields are not described, so they are `any`.
        for length in stride(from: path.count - 1, through: 1, by: -1) {
            let parent = path[0..<length].joined(separator: ".")
            guard let t = schema[parent] else { continue }
            if t == .object || t == .any { return .any }
            throw ExpressionTypeError(
                .typeMismatch, at: node.offset, "field '\(parent)' is \(t.article) and has no field '\(path[length])'",
                field: name)
        }
        let hint = Suggestion.closest(to: name, in: schema.keys).map { "did you mean '\($0)'?" }
        throw ExpressionTypeError(
            .unknownField, at: node.offset, "unknown field '\(name)'",
            hint: hint ?? "known fields: \(schema.keys.sorted().joined(separator: ", "))", field: name)
    }
}

extension ValueType {
    /// "a number", "an integer", for messages.
    var article: String {
        switch self {
        case .integer, .array, .object: "an \(rawValue)"
        case .any: "a value of any type"
        default: "a \(rawValue)"
        }
    }
}
