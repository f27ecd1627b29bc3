import SluiceCore
import SluiceOperators
import SluiceTopology
import Testing

@Suite("validate: rules, freshness, additional fields, schema files")
struct ValidateRulesTests {
    static func stage(_ body: String, files: [String: String] = [:]) throws -> ValidateStage {
        let topology = try TopologyFixture.compile(operators: """
            operators:
              - id: check
                type: validate
                input: in
            \(body)
            sinks:
              - {input: check, topic: out}
            """, files: files)
        guard case .validate(let op)? = topology.operator("check") else { throw TopologyFixture.CompileFailed(diagnostics: []) }
        return try ValidateStage(op)
    }

    static let rules = """
            rules:
              - "discount <= amount"
              - "amount / qty > 1"
        """

    @Test("a false rule is RULE_FAILED naming the rule and the values it read")
    func ruleFalse() throws {
        let out = Fixture.run(try Self.stage(Self.rules), [try Fixture.record(#"{"amount":10,"discount":50,"qty":1}"#)])
        let error = try #require(out.deadLetters.first?.error)
        #expect(error == RecordError(.ruleFailed, "rule 'discount <= amount' is false (amount = 10, discount = 50)"))
    }

    @Test("a null rule is RULE_FAILED too")
    func ruleNull() throws {
        let out = Fixture.run(try Self.stage(Self.rules), [try Fixture.record(#"{"amount":10,"qty":1}"#)])
        let error = try #require(out.deadLetters.first?.error)
        #expect(error.code == .ruleFailed)
        #expect(error.message == "rule 'discount <= amount' is null because a field it reads is missing or null (amount = 10, discount = null)")
    }

    @Test("a rule failing at run time keeps the runtime code")
    func ruleError() throws {
        let out = Fixture.run(try Self.stage(Self.rules), [try Fixture.record(#"{"amount":10,"discount":1,"qty":0}"#)])
        let error = try #require(out.deadLetters.first?.error)
        #expect(error.code == .divisionByZero)
        #expect(error.message.hasPrefix("rule 'amount / qty > 1': "))
    }

    @Test("records satisfying every rule pass")
    func rulesPass() throws {
        let out = Fixture.run(try Self.stage(Self.rules), [try Fixture.record(#"{"amount":10,"discount":1,"qty":2}"#)])
        #expect(out.records.count == 1)
        #expect(out.deadLetters.isEmpty)
    }

    @Test("events older than max_age are STALE; event time falls back to the Kafka timestamp")
    func freshness() throws {
        let stage = try Self.stage("    freshness: {max_age: 1h}")
        let now: Int64 = 1_709_251_200_000  // 2024-03-01T00:00:00Z
        let old = try Fixture.record("{}", eventTime: now - 7_500_000)
        let fresh = try Fixture.record("{}", eventTime: now - 3_500_000)
        let oldByTimestamp = try Fixture.record("{}", timestamp: now - 3_600_001)
        let out = Fixture.run(stage, [old, fresh, oldByTimestamp], now: now)
        #expect(out.records.count == 1)
        #expect(out.deadLetters.map(\.error.code) == [.stale, .stale])
        #expect(out.deadLetters.first?.error.message
            == "event time 2024-02-29T21:55:00.000Z is 2h 5m old, older than the freshness max_age 1h")
    }

    @Test("additional_fields: drop keeps only declared fields")
    func dropUndeclared() throws {
        let stage = try Self.stage("""
                fields: {id: string, amount: number}
                additional_fields: drop
            """)
        let out = Fixture.run(stage, [try Fixture.record(#"{"id":"a","secret":"x","amount":1,"debug":true}"#)])
        #expect(out.records.first?.fields.map(\.name) == ["id", "amount"])
    }

    static let schema = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "id": {"type": "string", "pattern": "^u[0-9]+$", "description": "user id"},
            "score": {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 1},
            "kind": {"enum": ["a", "b"]},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
            "name": {"type": "string", "minLength": 1, "maxLength": 5}
          },
          "required": ["id", "ts"],
          "additionalProperties": false
        }
        """

    @Test("schema_file is enforced in addition to fields")
    func schemaFile() throws {
        let stage = try Self.stage("""
                fields: {name: {type: string, max_length: 3}}
                schema_file: user.schema.json
            """, files: ["user.schema.json": Self.schema])
        let out = Fixture.run(stage, [try Fixture.record(#"{"id":"u1","ts":1,"name":"Alice"}"#)])
        let error = try #require(out.deadLetters.first?.error)
        #expect(error.code == .badLength)
        #expect(error.message == #"name: "Alice" has 5 characters, more than the maximum length 3"#)
    }

    struct SchemaCase: Sendable {
        let json: String
        let code: RecordError.Code?
        let field: String?
        let message: String?
    }

    static let schemaCases: [SchemaCase] = [
        SchemaCase(json: #"{"id":"u1","ts":1,"score":null,"kind":"a","tags":["x"],"name":"Bob"}"#, code: nil, field: nil, message: nil),
        SchemaCase(json: #"{"id":"u1"}"#, code: .missingField, field: "ts", message: "ts: required field is missing"),
        SchemaCase(json: #"{"id":"x1","ts":1}"#, code: .patternMismatch, field: "id", message: #"id: "x1" does not match the pattern ^u[0-9]+$"#),
        SchemaCase(json: #"{"id":"u1","ts":1,"score":0}"#, code: .outOfRange, field: "score",
                   message: "score: 0 is not above the exclusive minimum 0"),
        SchemaCase(json: #"{"id":"u1","ts":1,"score":1.5}"#, code: .outOfRange, field: "score", message: "score: 1.5 is above the maximum 1"),
        SchemaCase(json: #"{"id":"u1","ts":1,"kind":"c"}"#, code: .notInEnum, field: "kind", message: #"kind: "c" is not one of a, b"#),
        SchemaCase(json: #"{"id":"u1","ts":1,"kind":null}"#, code: .wrongType, field: "kind",
                   message: "kind: null is not allowed (declare the field nullable to accept null)"),
        SchemaCase(json: #"{"id":"u1","ts":1,"tags":["x",2]}"#, code: .wrongType, field: "tags", message: "tags[1]: expected a string, found integer 2"),
        SchemaCase(json: #"{"id":"u1","ts":1,"tags":["a","b","c","d"]}"#, code: .badLength, field: "tags",
                   message: #"tags: ["a","b","c","d"] has 4 elements, more than the maximum length 3"#),
        SchemaCase(json: #"{"id":"u1","ts":1,"name":""}"#, code: .badLength, field: "name",
                   message: #"name: "" has 0 characters, fewer than the minimum length 1"#),
        SchemaCase(json: #"{"id":"u1","ts":1,"extra":true}"#, code: .wrongType, field: "extra",
                   message: "extra: field is not declared in the schema, which sets additionalProperties: false"),
    ]

    @Test("the JSON Schema subset", arguments: schemaCases)
    func schemaSubset(_ c: SchemaCase) throws {
        let stage = try ValidateStage(id: "s", constraints: [], schema: try JSONSchemaSubset(json: Self.schema))
        let out = Fixture.run(stage, [try Fixture.record(c.json)])
        if let code = c.code {
            let error = try #require(out.deadLetters.first?.error)
            #expect(error.code == code)
            #expect(error.field == c.field)
            #expect(error.message == c.message)
        } else {
            #expect(out.deadLetters.map(\.error) == [])
        }
    }

    @Test("keywords outside the subset are refused, naming the keyword", arguments: [
        (#"{"properties": {"a": {"oneOf": [{"type": "string"}]}}}"#, "keyword 'oneOf' in property 'a'"),
        (#"{"type": "array"}"#, "the top-level 'type' must be \"object\""),
        (#"{"properties": {"a": {"type": "decimal"}}}"#, "unknown type 'decimal' in property 'a'"),
        (#"{"additionalProperties": {"type": "string"}}"#, "'additionalProperties' must be true or false"),
        (#"{"properties": {"a": {"pattern": "(["}}}"#, "pattern '([' of field 'a' is not a valid regular expression"),
        ("not json", "is not a JSON object"),
    ])
    func unsupported(_ json: String, _ expected: String) throws {
        do {
            _ = try JSONSchemaSubset(json: json, file: "s.json")
            Issue.record("expected a schema error")
        } catch {
            #expect(error.code == .schema)
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test("the example order schema loads, with nullable type arrays and required fields")
    func exampleSchema() throws {
        let path = TestPaths.topologies + "/schemas/order.schema.json"
        let schema = try JSONSchemaSubset.load(path: path)
        let discount = try #require(schema.constraints.first { $0.name == "discount" })
        #expect(discount.nullable)
        #expect(discount.types == [.number])
        #expect(schema.constraints.filter(\.required).map(\.name) == ["order_id", "customer_id", "amount", "currency", "created_at"])
    }
}
