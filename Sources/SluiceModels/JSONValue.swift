/// A minimal JSON document model for model files.
///
/// Why not `JSONSerialization`/`JSONDecoder`: numbers are kept as their source text so that
/// float32 fields (XGBoost thresholds) are parsed directly as `Float` (one correct rounding, not
/// decimal → Double → Float), and every type error can name the exact field path.
indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONValue {
    private func typeError(_ expected: String, _ path: String) -> ModelError {
        ModelError(.invalidField, "expected \(expected) but found \(typeName)", detail: "field '\(path)'")
    }

    /// The member `key` of an object; a `missingField` error if absent.
    func member(_ key: String, _ path: String) throws(ModelError) -> JSONValue {
        guard case .object(let dict) = self else { throw typeError("an object", path) }
        guard let value = dict[key] else {
            throw ModelError(.missingField, "required field is missing", detail: "field '\(path).\(key)'")
        }
        return value
    }

    /// The member `key` of an object, or nil if absent or null.
    func optionalMember(_ key: String, _ path: String) throws(ModelError) -> JSONValue? {
        guard case .object(let dict) = self else { throw typeError("an object", path) }
        if case .null? = dict[key] { return nil }
        return dict[key]
    }

    func string(_ path: String) throws(ModelError) -> String {
        guard case .string(let s) = self else { throw typeError("a string", path) }
        return s
    }

    func array(_ path: String) throws(ModelError) -> [JSONValue] {
        guard case .array(let a) = self else { throw typeError("an array", path) }
        return a
    }

    func double(_ path: String) throws(ModelError) -> Double {
        guard case .number(let text) = self, let value = Double(text), value.isFinite else {
            throw typeError("a finite number", path)
        }
        return value
    }

    func float(_ path: String) throws(ModelError) -> Float {
        guard case .number(let text) = self, let value = Float(text), value.isFinite else {
            throw typeError("a finite float32 number", path)
        }
        return value
    }

    /// An integer given as a JSON number or as a decimal string (XGBoost writes both).
    func int(_ path: String) throws(ModelError) -> Int {
        switch self {
        case .number(let text), .string(let text):
            if let value = Int(text) { return value }
            if let d = Double(text), d.rounded() == d, abs(d) < 9e15 { return Int(d) }
            throw ModelError(.invalidField, "expected an integer but found '\(text)'", detail: "field '\(path)'")
        case .bool(let b):
            return b ? 1 : 0
        default:
            throw typeError("an integer", path)
        }
    }

    func doubles(_ path: String) throws(ModelError) -> [Double] {
        let items = try array(path)
        var out = [Double]()
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() { out.append(try item.double("\(path)[\(i)]")) }
        return out
    }

    func floats(_ path: String) throws(ModelError) -> [Float] {
        let items = try array(path)
        var out = [Float]()
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() { out.append(try item.float("\(path)[\(i)]")) }
        return out
    }

    func ints(_ path: String) throws(ModelError) -> [Int] {
        let items = try array(path)
        var out = [Int]()
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() { out.append(try item.int("\(path)[\(i)]")) }
        return out
    }

    func strings(_ path: String) throws(ModelError) -> [String] {
        let items = try array(path)
        var out = [String]()
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() { out.append(try item.string("\(path)[\(i)]")) }
        return out
    }
}
