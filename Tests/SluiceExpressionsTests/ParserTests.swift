import SluiceCore
import SluiceExpressions
import Testing

@Suite("Parsing and precedence")
struct ParserTests {
    @Test(
        "operators group by precedence",
        arguments: [
            ("1 + 2 * 3", "(1 + (2 * 3))"),
            ("1 - 2 - 3", "((1 - 2) - 3)"),
            ("10 % 3 * 2", "((10 % 3) * 2)"),
            ("8 // 2 / 2", "((8 // 2) / 2)"),
            ("-a * b", "((-a) * b)"),
            ("not a == b", "(not (a == b))"),
            ("!a == b", "((not a) == b)"),
            ("not a and b", "((not a) and b)"),
            ("a and b or c", "((a and b) or c)"),
            ("a or b and c", "(a or (b and c))"),
            ("a && b || c", "((a and b) or c)"),
            ("a ?? b ?? c", "(a ?? (b ?? c))"),
            ("a ?? 0 > 5", "((a ?? 0) > 5)"),
            ("a ?? b + 1", "(a ?? (b + 1))"),
            ("x in [1, 2] and y", "((x in [1, 2]) and y)"),
            ("x not in [1]", "(x not in [1])"),
            ("a ? b : c ? d : e", "(if a then b else (if c then d else e))"),
            ("a or b ? 1 : 2", "(if (a or b) then 1 else 2)"),
            ("if a then b else c + 1", "(if a then b else (c + 1))"),
            (
                "log1p(amount) * 2 + if amount > 100 then 1 else 0",
                "((log1p(amount) * 2) + (if (amount > 100) then 1 else 0))"
            ),
            ("a.b.c + `x y`", "(a.b.c + `x y`)"),
            ("(1 + 2) * 3", "((1 + 2) * 3)"),
            ("ts <= now() + 60s", "(ts <= (now() + 60000))"),
        ])
    func precedence(text: String, grouped: String) throws {
        #expect(try Expression.parse(text).description == grouped)
    }

    @Test(
        "literals",
        arguments: [
            ("42", Value.int(42)),
            ("1_000_000", .int(1_000_000)),
            ("2.5", .double(2.5)),
            ("1e3", .double(1000)),
            ("2.5e-1", .double(0.25)),
            ("500ms", .int(500)),
            ("60s", .int(60_000)),
            ("5m", .int(300_000)),
            ("1h", .int(3_600_000)),
            ("7d", .int(604_800_000)),
            ("1.5s", .int(1_500)),
            ("'it\\'s'", .string("it's")),
            ("\"a\\nb\\t\\\\\"", .string("a\nb\t\\")),
            ("'\\u{e9}'", .string("é")),
            ("true", .bool(true)),
            ("false", .bool(false)),
            ("null", .null),
            ("[1, 'a', null, [2]]", .array([1, "a", .null, .array([2])])),
            ("[]", .array([])),
        ])
    func literal(text: String, value: Value) throws {
        let compiled = try Expression.parse(text).compile()
        #expect(compiled.constantValue == value)
        #expect(try compiled.evaluate(Record(), sampleContext) == value)
    }

    @Test("nodes carry source offsets")
    func offsets() throws {
        let e = try Expression.parse("amount  >= log1p(x)")
        guard case .binary(.greaterEqual, let l, let r) = e.root.kind else {
            Issue.record("expected a comparison, got \(e.root)")
            return
        }
        #expect(e.root.anchor == 8)
        #expect((l.offset, l.length) == (0, 6))
        #expect((r.offset, r.length) == (11, 8))
        #expect((e.root.offset, e.root.length) == (0, 19))
    }

    @Test("nesting up to the limit parses and evaluates")
    func deepButAllowed() throws {
        let depth = Expression.maxDepth - 1
        let text = String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
        #expect(try Expression.parse(text).compile().evaluate(Record(), sampleContext) == .int(1))
        let sum = Array(repeating: "1", count: 200).joined(separator: " + ")
        #expect(try evaluate(sum) == .int(200))
    }

    @Test(
        "nesting beyond the limit is an error, not a crash",
        arguments: [
            String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300),
            String(repeating: "-", count: 300) + "1",
            String(repeating: "not ", count: 10_000) + "true",
            Array(repeating: "1", count: 300).joined(separator: " + "),
            String(repeating: "[", count: 5_000),
            String(repeating: "abs(", count: 300) + "1" + String(repeating: ")", count: 300),
        ])
    func tooDeep(text: String) {
        #expect(syntaxError(text)?.code == .tooDeep)
    }
}
