import SluiceCore
import SluiceOperators
import SluiceTopology
import Testing

/// The engine hands a batch over (`process(owned:)`) when an operator is its only reader; the results must be
/// exactly those of `process`, dead letters included.
@Suite("owned batches: the same outputs as borrowed ones")
struct OwnedBatchTests {
    static func batch() throws -> [Record] {
        var records: [Record] = []
        for (i, json) in [
            #"{"id":"a","amount":5,"qty":2,"channel":"app","secret":"s"}"#,
            #"{"id":"b","amount":7,"qty":0,"channel":"web"}"#,  // amount / qty: division by zero
            #"{"id":"c","amount":-3,"qty":0,"channel":"web"}"#,  // the same, with its original bytes
            #"{"id":"d","qty":1}"#,
        ].enumerated() {
            var r = try Fixture.record(json)
            // Half keep their original bytes (decoded from Kafka), half don't (made by an operator).
            if i % 2 == 0 { r.raw = Array(json.utf8) }
            records.append(r)
        }
        return records
    }

    static func owned(_ stage: any StreamOperator, _ records: [Record]) -> OperatorOutput {
        var output = OperatorOutput()
        var batch = records
        stage.process(owned: &batch, from: .main, context: Fixture.context(), into: &output)
        return output
    }

    /// What reaches Kafka: output fields; a dead letter's original bytes when it has them (its value), else its fields.
    static func summary(_ out: OperatorOutput) -> [String] {
        out.records.map { "ok \($0.fields)" }
            + out.deadLetters.map { "dl \($0.error.code.rawValue) " + ($0.record.raw.map { "\($0)" } ?? "\($0.record.fields)") }
    }

    @Test("map: in-place changes equal copies; a failing record's dead letter keeps its original bytes (or fields, without bytes)")
    func map() throws {
        let stage = try MapFilterRouteTests.stage("derive")
        let records = try Self.batch()
        let borrowed = Fixture.run(stage, records)
        let owned = Self.owned(stage, records)
        #expect(Self.summary(owned) == Self.summary(borrowed))
        #expect(owned.records.count == 2)
        #expect(owned.deadLetters.map(\.error.code) == [.divisionByZero, .divisionByZero])
        #expect(owned.deadLetters[0].record.fields == records[1].fields)
        #expect(owned.deadLetters[1].record.raw == records[2].raw)
        // The caller's records are unchanged: the stage changed its own copies.
        #expect(records[0]["doubled"] == nil)
    }

    @Test("validate: owned and borrowed batches pass and reject the same records")
    func validate() throws {
        let topology = try TopologyFixture.compile(operators: """
            operators:
              - id: check
                type: validate
                input: in
                fields:
                  amount: {type: number, required: true, min: 0}
                additional_fields: drop
            sinks:
              - {input: check, topic: out}
            """)
        guard case .validate(let op)? = topology.operator("check") else { throw TopologyFixture.CompileFailed(diagnostics: []) }
        let stage = try ValidateStage(op)
        let records = try Self.batch()
        #expect(Self.summary(Self.owned(stage, records)) == Self.summary(Fixture.run(stage, records)))
        #expect(Self.owned(stage, records).records.map { $0.fields.map(\.name) } == [["amount"], ["amount"]])
        #expect(Self.owned(stage, records).deadLetters.map(\.error.code) == [.outOfRange, .missingField])
    }
}
