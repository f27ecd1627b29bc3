import Foundation
import SluiceCore
import Testing
@testable import SluiceTopology

@Suite("Static checks report file, line and column")
struct DiagnosticTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var body: String
        var expected: String
        var fragment: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unknown key with did-you-mean", body: """
              - id: score
                type: filter
                inptu: events
                where: amount > 1
            """, expected: "unknown-key@9:5", fragment: "unknown key 'inptu' in operator 'score' — did you mean 'input'?"),
        Case(name: "unknown operator type", body: """
              - id: x
                type: fliter
                input: events
            """, expected: "invalid-value@8:11", fragment: "did you mean 'filter'?"),
        Case(name: "missing required key", body: """
              - id: x
                type: filter
                input: events
            """, expected: "missing-key@7:5", fragment: "missing required key 'where' in operator 'x'"),
        Case(name: "wrong type", body: """
              - id: x
                type: dedupe
                input: events
                by: event_id
                ttl: [1h]
            """, expected: "wrong-type@11:10", fragment: "must be a single value, found a list"),
        Case(name: "bad duration", body: """
              - id: x
                type: dedupe
                input: events
                by: event_id
                ttl: 10 minutes
            """, expected: "wrong-type@11:10", fragment: "'ttl' in operator 'x' must be a duration, found '10 minutes'"),
        Case(name: "invalid enum value lists the choices", body: """
              - id: x
                type: features
                input: events
                key: user_id
                emit: on-close
                aggregate: {n: {fn: count, window: {tumbling: 1m}}}
            """, expected: "invalid-value@11:11", fragment: "expected one of: per_event, on_close, both — did you mean 'on_close'?"),
        Case(name: "duplicate id", body: """
              - {id: events, type: filter, input: events, where: "true"}
            """, expected: "duplicate-id@7:10", fragment: "duplicate id 'events'"),
        Case(name: "unknown input with did-you-mean", body: """
              - {id: x, type: filter, input: evnts, where: amount > 1}
            """, expected: "unknown-input@7:34", fragment: "unknown input 'evnts' in operator 'x' — did you mean 'events'?"),
        Case(name: "unknown field with did-you-mean", body: """
              - id: x
                type: filter
                input: events
                where: amout > 1 and ts > 0
            """, expected: "unknown-field@10:12", fragment: "field 'amout' used in operator 'x' is not produced upstream — did you mean 'amount'?"),
        Case(name: "field dropped upstream", body: """
              - {id: slim, type: map, input: events, drop: [amount]}
              - {id: x, type: filter, input: slim, where: "ts > 0 and amount > 1"}
            """, expected: "unknown-field@8:59", fragment: "field 'amount' used in operator 'x'"),
        Case(name: "expression syntax via hook", body: """
              - id: x
                type: filter
                input: events
                where: "(amount > 1"
            """, expected: "expression@10:13", fragment: "'(' is never closed"),
        Case(name: "cycle is named", body: """
              - {id: a, type: filter, input: c, where: amount > 1}
              - {id: b, type: filter, input: a, where: amount > 1}
              - {id: c, type: filter, input: b, where: amount > 1}
            """, expected: "cycle@8:34", fragment: "cycle: a → b → c → a"),
        Case(name: "route must be referenced by branch", body: """
              - {id: r, type: route, input: events, routes: {big: amount > 1}}
              - {id: x, type: filter, input: r.huge, where: amount > 1}
            """, expected: "unknown-input@8:34", fragment: "route 'r' has no branch 'huge' (in operator 'x') — expected one of: big, default"),
        Case(name: "literal password", body: """
            cluster:
              bootstrap: embedded
              security: {protocol: SASL_SSL, sasl_mechanism: PLAIN, username: u, password: hunter2}
            """, expected: "literal-secret@9:80", fragment: "'password' must not be written into the topology"),
        Case(name: "invalid regex", body: """
              - id: x
                type: validate
                input: events
                fields: {user_id: {type: string, pattern: "u[0-9"}}
            """, expected: "invalid-value@10:48", fragment: "invalid regular expression"),
        Case(name: "unknown sink input", body: """
            sinks:
              - {input: nothere, topic: out}
            """, expected: "unknown-input@8:13", fragment: "unknown input 'nothere' in sink 'out'"),
        Case(name: "sink topic with two formats", body: """
            sinks:
              - {input: events, topic: out, format: json}
              - {input: events, topic: out, format: csv}
            """, expected: "sink-conflict@9:5", fragment: "topic 'out' is written as csv here but as json at line 8"),
        Case(name: "model features mismatch", body: """
              - id: s
                type: infer
                input: events
                model: {registry: models/fraud}
                features: [amount, ts]
            """, expected: "model@11:24", fragment: "the model does not use 'ts'"),
        Case(name: "missing model file", body: """
              - {id: s, type: infer, input: events, model: {path: models/none.json}, features: [amount]}
            """, expected: "model@7:55", fragment: "model file"),
        Case(name: "keyed join inputs with different partition counts", body: """
              - {id: j, type: join, left: events, right: events2, on: user_id, within: 1m}
            sinks:
              - {input: j, topic: out}
            """, expected: "copartition@8:10", fragment: "inputs must be co-partitioned"),
    ]

    @Test("each error kind", arguments: cases)
    func reports(_ c: Case) throws {
        var yaml = header + c.body
        if c.name.contains("partition") {
            yaml = yaml.replacingOccurrences(of: "key: user_id, columns:", with: "key: user_id, partitions: 12, columns:")
                .replacingOccurrences(of: "operators:\n", with: "  events2: {topic: e2, format: json, key: user_id, partitions: 6}\noperators:\n")
        }
        let result = compile(yaml)
        let errs = errors(result)
        let match = try #require(errs.first { position($0) == c.expected }, "got \(errs.map(\.description))")
        #expect(match.description.contains(c.fragment), "\(match)")
        #expect(result.topology == nil)
        #expect(errs.count == 1, "one mistake, one error: \(errs.map(\.description))")
    }

    @Test func severalErrorsAtOnceInFileOrder() {
        let result = compile(header + """
              - {id: a, type: filter, input: nowhere, where: amount > 1}
              - {id: b, type: map, input: a, set: {x: amount}, colour: red}
            sinks:
              - {input: b, topic: out, fromat: json}
            """)
        #expect(errors(result).map(position) == ["unknown-input@7:34", "unknown-key@8:52", "unknown-key@10:28"])
    }

    @Test func rendering() {
        let d = Diagnostic(.error, "unknown-key", at: SourceLocation(file: "topologies/x.yaml", line: 12, column: 7),
                           "unknown key 'inptu' in operator 'score'", hint: "did you mean 'input'?")
        #expect(d.description == "topologies/x.yaml:12:7: error: unknown key 'inptu' in operator 'score' — did you mean 'input'?")
    }

    @Test func yamlSyntaxErrorHasPosition() {
        let result = compile("apiVersion: sluice/v1\nkind: Topology\nmetadata: {name: [x\n")
        let e = errors(result)
        #expect(e.count == 1)
        #expect(e.first?.code == "yaml-syntax")
        #expect(e.first?.location.line == 4)
    }

    @Test func hooksAreUsedForExpressions() {
        struct Strict: ValidationHooks {
            func checkExpression(_ text: String) -> ExpressionCheck {
                text.contains("%") ? ExpressionCheck(referencedFields: [], errors: [.init(offset: text.firstIndex(of: "%")!.utf16Offset(in: text), message: "no modulo here")]) :
                    ExpressionCheck(referencedFields: [])
            }
            func checkModel(_ spec: ModelSpec) -> ModelCheck { ModelCheck(featureNames: nil) }
            func checkFile(_ path: String, purpose: FilePurpose) -> String? { nil }
        }
        let result = compile(header + "  - {id: x, type: filter, input: events, where: amount % 2 == 0}\n", hooks: Strict())
        #expect(errors(result).map(position) == ["expression@7:56"])
        #expect(errors(result).first?.message.contains("no modulo here") == true)
    }
}
