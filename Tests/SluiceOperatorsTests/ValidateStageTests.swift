import SluiceCore
import SluiceOperators
import SluiceTopology
import Testing

@Suite("validate: field constraints")
struct ValidateStageTests {
    static let operators = """
        operators:
          - id: check
            type: validate
            input: in
            fields:
              order_id: {type: string, required: true, pattern: "^o-[0-9a-f]{8}$"}
              amount:   {type: number, required: true, min: 0, max: 10000}
              qty:      {type: integer}
              currency: {type: string, enum: [EUR, USD]}
              country:  {type: string, min_length: 2, max_length: 2}
              tags:     {type: array, max_length: 2}
              note:     {type: string, nullable: true}
              flag:     boolean
              user.tier: {type: string, enum: [gold, silver]}
        sinks:
          - {input: check, topic: out}
        """

    static func stage() throws -> ValidateStage {
        let topology = try TopologyFixture.compile(operators: operators)
        guard case .validate(let op)? = topology.operator("check") else { throw TopologyFixture.CompileFailed(diagnostics: []) }
        return try ValidateStage(op)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let extra: String
        let code: RecordError.Code?
        let field: String?
        let message: String?
        var testDescription: String { extra }
    }

    static let base = #""order_id":"o-0000abcd","amount":5"#

    static let cases: [Case] = [
        Case(extra: "", code: nil, field: nil, message: nil),
        Case(extra: #""qty":2.0,"note":null,"flag":null,"country":"DE","tags":[1,2]"#, code: nil, field: nil, message: nil),
        Case(extra: #""amount":-5"#, code: .outOfRange, field: "amount", message: "amount: -5 is below the minimum 0"),
        Case(extra: #""amount":20000.5"#, code: .outOfRange, field: "amount", message: "amount: 20000.5 is above the maximum 10000"),
        Case(extra: #""amount":"12""#, code: .wrongType, field: "amount", message: #"amount: expected a number, found string "12""#),
        Case(extra: #""qty":2.5"#, code: .wrongType, field: "qty", message: "qty: expected an integer, found number 2.5"),
        Case(extra: #""currency":"JPY""#, code: .notInEnum, field: "currency", message: #"currency: "JPY" is not one of EUR, USD"#),
        Case(extra: #""currency":null"#, code: .wrongType, field: "currency",
             message: "currency: null is not allowed, expected a string (declare the field nullable to accept null)"),
        Case(extra: #""country":"DEU""#, code: .badLength, field: "country",
             message: #"country: "DEU" has 3 characters, more than the maximum length 2"#),
        Case(extra: #""country":"é""#, code: .badLength, field: "country",
             message: #"country: "é" has 1 characters, fewer than the minimum length 2"#),
        Case(extra: #""tags":[1,2,3]"#, code: .badLength, field: "tags",
             message: "tags: [1,2,3] has 3 elements, more than the maximum length 2"),
        Case(extra: #""order_id":"x-1""#, code: .patternMismatch, field: "order_id",
             message: #"order_id: "x-1" does not match the pattern ^o-[0-9a-f]{8}$"#),
        Case(extra: #""flag":"yes""#, code: .wrongType, field: "flag", message: #"flag: expected a boolean, found string "yes""#),
        Case(extra: #""user":{"tier":"bronze"}"#, code: .notInEnum, field: "user.tier",
             message: #"user.tier: "bronze" is not one of gold, silver"#),
    ]

    @Test("each constraint gives its code, field and message", arguments: cases)
    func constraint(_ c: Case) throws {
        // Later keys override earlier ones (the decoder keeps the last duplicate).
        let json = "{" + Self.base + (c.extra.isEmpty ? "" : "," + c.extra) + "}"
        let output = Fixture.run(try Self.stage(), [try Fixture.record(json)])
        if let code = c.code {
            #expect(output.records.isEmpty)
            let error = try #require(output.deadLetters.first?.error)
            #expect(error.code == code)
            #expect(error.field == c.field)
            #expect(error.message == c.message)
        } else {
            #expect(output.deadLetters.map(\.error) == [])
            #expect(output.records.count == 1)
        }
    }

    @Test("a missing required field is MISSING_FIELD")
    func missing() throws {
        let output = Fixture.run(try Self.stage(), [try Fixture.record(#"{"amount":1}"#)])
        let error = try #require(output.deadLetters.first?.error)
        #expect(error == RecordError(.missingField, field: "order_id", "order_id: required field is missing"))
    }

    @Test("the first violation is the reason; the message counts and names the others")
    func severalViolations() throws {
        let json = #"{"order_id":"o-0000abcd","amount":-5,"currency":"JPY","country":"DEU"}"#
        let error = try #require(Fixture.run(try Self.stage(), [try Fixture.record(json)]).deadLetters.first?.error)
        #expect(error.code == .outOfRange)
        #expect(error.field == "amount")
        #expect(error.message == "amount: -5 is below the minimum 0 (2 more violations: currency NOT_IN_ENUM; country BAD_LENGTH)")
    }

    @Test("counters account for every record")
    func counters() throws {
        let stage = try Self.stage()
        _ = Fixture.run(stage, [try Fixture.record(#"{"order_id":"o-0000abcd","amount":1}"#), try Fixture.record(#"{"amount":1}"#)])
        #expect(stage.counters.records == 2)
        #expect(stage.counters.emitted == 1)
        #expect(stage.counters.deadLettered == 1)
    }

    @Test("an invalid pattern is refused when the stage is built")
    func badPattern() throws {
        #expect(throws: OperatorSetupError.self) { try FieldPattern("([", field: "x") }
    }
}
