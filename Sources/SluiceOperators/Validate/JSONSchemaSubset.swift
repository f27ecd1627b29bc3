import Foundation
import SluiceCore
import SluiceFormats
import SluiceTopology

/// A JSON Schema (draft 2020-12 vocabulary) restricted to the flat-record subset a validate operator
/// enforces. Keywords outside the subset that would change validation are rejected when the schema is
/// loaded, so a schema is never silently half-enforced.
///
/// Supported, top level: `type: object`, `properties`, `required`, `additionalProperties: true|false`.
/// Per property: `type` (a name or an array of names; `"null"` in the array makes the field nullable),
/// `nullable: true` (OpenAPI), `enum`, `const`, `minimum`, `maximum`, `exclusiveMinimum`,
/// `exclusiveMaximum` (numbers; draft-4 booleans too), `minLength`, `maxLength`, `minItems`,
/// `maxItems`, `pattern`, `items: {type: …}`. Annotations are ignored: `$schema`, `$id`, `$comment`,
/// `title`, `description`, `format`, `default`, `examples`, `readOnly`, `writeOnly`, `deprecated`.
///
/// ```swift
/// let schema = try JSONSchemaSubset.load(path: "/etc/sluice/schemas/order.schema.json")
/// ```
public struct JSONSchemaSubset: Sendable {
    /// One constraint per property, in the file's order, then required names without a property.
    public var constraints: [FieldConstraint]
    /// `additionalProperties: false`: fields not listed in `properties` are invalid.
    public var additionalProperties: Bool
    /// The file the schema was read from, for messages.
    public var file: String?

    static let annotations: Set<String> = [
        "$schema", "$id", "$comment", "title", "description", "format", "default", "examples", "readOnly", "writeOnly",
        "deprecated",
    ]
    static let topKeywords: Set<String> = ["type", "properties", "required", "additionalProperties"]
    static let propertyKeywords: Set<String> = [
        "type", "nullable", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
        "maxLength", "minItems", "maxItems", "pattern", "items",
    ]

    /// Reads and checks a schema file.
    public static func load(path: String) throws(OperatorSetupError) -> JSONSchemaSubset {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OperatorSetupError(.schema, "JSON Schema '\(path)' does not exist or cannot be read")
        }
        return try JSONSchemaSubset(jsonBytes: [UInt8](data), file: path)
    }

    /// Parses schema text (an object at the top level).
    public init(jsonBytes: [UInt8], file: String? = nil) throws(OperatorSetupError) {
        let document: Fields
        do { document = try JSONRecordDecoder().decode(jsonBytes) } catch {
            throw OperatorSetupError(.schema, "\(file ?? "JSON Schema") is not a JSON object: \(error.message)")
        }
        try self.init(document: document, file: file)
    }

    public init(json: String, file: String? = nil) throws(OperatorSetupError) {
        try self.init(jsonBytes: Array(json.utf8), file: file)
    }

    init(document: Fields, file: String?) throws(OperatorSetupError) {
        self.file = file
        let reader = SchemaReader(file: file)
        try reader.allowOnly(document, Self.topKeywords, "the top level")
        if let t = document["type"], t != .string("object") {
            throw reader.fail("the top-level 'type' must be \"object\" (a record), found \(t)")
        }
        additionalProperties = true
        if let extra = document["additionalProperties"] {
            guard case .bool(let allowed) = extra else {
                throw reader.fail("'additionalProperties' must be true or false (schemas for extra fields are not supported)")
            }
            additionalProperties = allowed
        }
        var required: [String] = []
        if let r = document["required"] {
            guard case .array(let names) = r, names.allSatisfy({ $0.asString != nil }) else {
                throw reader.fail("'required' must be an array of field names")
            }
            required = names.compactMap(\.asString)
        }
        constraints = []
        if let p = document["properties"] {
            guard case .object(let properties) = p else { throw reader.fail("'properties' must be an object") }
            for property in properties {
                var c = try reader.constraint(property.name, property.value)
                c.required = required.contains(property.name)
                constraints.append(c)
            }
        }
        for name in required where !constraints.contains(where: { $0.name == name }) {
            constraints.append(FieldConstraint(name: name, required: true, nullable: true))
        }
    }

    /// The declared property names (what `additional_fields: drop` keeps).
    public var propertyNames: [String] { constraints.map(\.name) }
}
