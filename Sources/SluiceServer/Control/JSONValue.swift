import SluiceCore

/// Carries a `SluiceCore.Value` through `Codable` (JSON request and response bodies).
///
/// Decoding keeps integers as `.int` and other numbers as `.double`, so `"amount": 42` reaches a model
/// as the integer it was sent as. Object keys are sorted on decode because JSON objects are unordered.
public struct JSONValue: Codable, Sendable, Hashable {
    public var value: Value

    public init(_ value: Value) { self.value = value }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [Value] = []
            while !array.isAtEnd { items.append(try array.decode(JSONValue.self).value) }
            value = .array(items)
            return
        }
        if let object = try? decoder.container(keyedBy: Key.self) {
            value = .object(try Self.decodeFields(object))
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            value = .null
        } else if let b = try? single.decode(Bool.self) {
            value = .bool(b)
        } else if let i = try? single.decode(Int64.self) {
            value = .int(i)
        } else if let d = try? single.decode(Double.self) {
            value = .double(d)
        } else {
            value = .string(try single.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch value {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .int(let i):
            var c = encoder.singleValueContainer()
            try c.encode(i)
        case .double(let d):
            var c = encoder.singleValueContainer()
            // JSON has no NaN or infinity: those become null rather than failing the whole response.
            if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(JSONValue(item)) }
        case .object(let fields):
            try JSONFields(fields).encode(to: encoder)
        }
    }

    static func decodeFields(_ object: KeyedDecodingContainer<Key>) throws -> Fields {
        var fields = Fields()
        for key in object.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
            fields.append(key.stringValue, try object.decode(JSONValue.self, forKey: key).value)
        }
        return fields
    }
}

/// Carries `SluiceCore.Fields` through `Codable` as a JSON object (field order kept on encode).
public struct JSONFields: Codable, Sendable, Hashable {
    public var fields: Fields

    public init(_ fields: Fields) { self.fields = fields }

    public init(from decoder: any Decoder) throws {
        fields = try JSONValue.decodeFields(decoder.container(keyedBy: JSONValue.Key.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONValue.Key.self)
        for field in fields { try c.encode(JSONValue(field.value), forKey: JSONValue.Key(field.name)) }
    }
}
