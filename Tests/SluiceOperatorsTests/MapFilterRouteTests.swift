import SluiceCore
import SluiceOperators
import SluiceTopology
import Testing

@Suite("map, filter and route")
struct MapFilterRouteTests {
    static func topology() throws -> Topology {
        try TopologyFixture.compile(operators: """
            operators:
              - id: derive
                type: map
                input: in
                set:
                  doubled: amount * 2
                  next: doubled + 1
                  ratio: amount / qty
                  channel_kind: one_hot(channel, ["web", "app"])
                drop: [secret]
              - id: slim
                type: map
                input: derive
                keep: [id, doubled]
              - id: big
                type: filter
                input: derive
                where: amount > 10
              - id: router
                type: route
                input: derive
                routes:
                  huge: amount > 1000
                  large: amount > 100
                  weird: amount / qty > 0
                default: rest
            sinks:
              - {input: slim, topic: slim}
              - {input: big, topic: big}
              - {input: router.huge, topic: huge}
              - {input: router.large, topic: large}
              - {input: router.weird, topic: weird}
              - {input: router.rest, topic: rest}
            """)
    }

    static func stage(_ id: String) throws -> any StreamOperator {
        let op = try #require(try topology().operator(id))
        return try #require(try StageFactory.makeStage(op))
    }

    @Test("assignments run in order, one_hot expands, drop removes")
    func mapAssignments() throws {
        let out = Fixture.run(try Self.stage("derive"), [try Fixture.record(#"{"id":"a","amount":5,"qty":2,"channel":"app","secret":"s"}"#)])
        let r = try #require(out.records.first)
        #expect(r.fields.map(\.name) == ["id", "amount", "qty", "channel", "doubled", "next", "ratio", "channel_kind_web", "channel_kind_app"])
        #expect(r["doubled"] == .int(10))
        #expect(r["next"] == .int(11))
        #expect(r["ratio"] == .double(2.5))
        #expect(r["channel_kind_web"] == .int(0))
        #expect(r["channel_kind_app"] == .int(1))
    }

    @Test("one_hot of a null input writes null to each expanded field")
    func oneHotNull() throws {
        let out = Fixture.run(try Self.stage("derive"), [try Fixture.record(#"{"amount":5,"qty":1}"#)])
        let r = try #require(out.records.first)
        #expect(r["channel_kind_web"] == .null)
        #expect(r["channel_kind_app"] == .null)
    }

    @Test("keep leaves only the listed fields")
    func mapKeep() throws {
        let out = Fixture.run(try Self.stage("slim"), [try Fixture.record(#"{"id":"a","doubled":4,"other":1}"#)])
        #expect(out.records.first?.fields.map(\.name) == ["id", "doubled"])
    }

    @Test("a runtime error sends the original record to the dead letters with its code")
    func mapError() throws {
        let original = try Fixture.record(#"{"id":"a","amount":5,"qty":0,"secret":"s"}"#)
        let out = Fixture.run(try Self.stage("derive"), [original])
        #expect(out.records.isEmpty)
        let dead = try #require(out.deadLetters.first)
        #expect(dead.error.code == .divisionByZero)
        #expect(dead.error.field == "qty")  // the culprit input, as the expression runtime names it
        #expect(dead.error.message.hasPrefix("ratio = amount / qty: "))
        #expect(dead.record.fields == original.fields)
    }

    @Test("filter keeps true, drops false and null, dead-letters non-booleans")
    func filter() throws {
        let stage = try #require(try Self.stage("big") as? FilterStage)
        let out = Fixture.run(stage, [
            try Fixture.record(#"{"amount":50}"#), try Fixture.record(#"{"amount":5}"#),
            try Fixture.record(#"{"amount":null}"#), try Fixture.record(#"{"amount":"x"}"#),
        ])
        #expect(out.records.map { $0["amount"] } == [.int(50)])
        #expect(out.deadLetters.map(\.error.code) == [.wrongType])
        #expect(stage.counters.filteredOut == 2)
        #expect(stage.counters.emitted == 1)
    }

    @Test("route: first matching branch wins, else default; errors go to dead letters")
    func route() throws {
        let stage = try #require(try Self.stage("router") as? RouteStage)
        #expect(stage.outputNames == ["huge", "large", "weird", "rest"])
        let out = Fixture.run(stage, [
            try Fixture.record(#"{"id":1,"amount":5000,"qty":1}"#),
            try Fixture.record(#"{"id":2,"amount":500,"qty":1}"#),
            try Fixture.record(#"{"id":3,"amount":5,"qty":1}"#),
            try Fixture.record(#"{"id":4,"amount":-5,"qty":1}"#),
            try Fixture.record(#"{"id":5,"qty":1}"#),
            try Fixture.record(#"{"id":6,"amount":5,"qty":0}"#),
        ])
        #expect(out.named["huge"]?.map { $0["id"] } == [.int(1)])
        #expect(out.named["large"]?.map { $0["id"] } == [.int(2)])
        #expect(out.named["weird"]?.map { $0["id"] } == [.int(3)])
        #expect(out.named["rest"]?.map { $0["id"] } == [.int(4), .int(5)])
        let dead = try #require(out.deadLetters.first)
        #expect(dead.record["id"] == .int(6))
        #expect(dead.error.code == .divisionByZero)
        #expect(dead.error.message.hasPrefix("route branch 'weird' (amount / qty > 0): "))
    }

    @Test("a bad expression is refused when the stage is built, pointing into the expression")
    func badExpression() throws {
        let topology = try TopologyFixture.compile(operators: """
            operators:
              - {id: f, type: filter, input: in, where: "amount > 1"}
            sinks:
              - {input: f, topic: out}
            """)
        guard case .filter(var op)? = topology.operator("f") else { Issue.record("no filter"); return }
        op.condition = SluiceTopology.Expression("amount >", at: op.condition.location)
        do {
            _ = try FilterStage(op)
            Issue.record("expected a setup error")
        } catch {
            #expect(error.code == .expression)
            #expect(error.location?.column == op.condition.location.column + 8)
        }
    }
}
