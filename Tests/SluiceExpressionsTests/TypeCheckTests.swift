import SluiceCore
import SluiceExpressions
import Testing

@Suite("Static checking")
struct TypeCheckTests {
    struct Case: Sendable, CustomStringConvertible {
        var text: String
        var code: ExpressionTypeError.Code
        var offset: Int
        var hint: String?
        var description: String { text }
    }

    @Test(
        "type errors point at the operand or operator",
        arguments: [
            Case(text: "lower(amount)", code: .typeMismatch, offset: 6, hint: "convert with to_string(amount)"),
            Case(text: "amount + \"x\"", code: .typeMismatch, offset: 7,
                hint: "use concat(a, b) to join text, or to_number(s) to add a number held as text"),
            Case(text: "amout > 1", code: .unknownField, offset: 0, hint: "did you mean 'amount'?"),
            Case(text: "log1p(amount) + nme", code: .unknownField, offset: 16, hint: "did you mean 'name'?"),
            Case(text: "amount == null", code: .nullComparison, offset: 7, hint: "write is_null(amount)"),
            Case(text: "amount != null", code: .nullComparison, offset: 7, hint: "write not is_null(amount)"),
            Case(text: "name > 1", code: .typeMismatch, offset: 5, hint: "convert text with to_number(s)"),
            Case(text: "flag < true", code: .typeMismatch, offset: 5),
            Case(text: "name == 1", code: .typeMismatch, offset: 5),
            Case(text: "amount and flag", code: .typeMismatch, offset: 7, hint: "compare it, e.g. amount > 0"),
            Case(text: "if amount then 1 else 2", code: .typeMismatch, offset: 0),
            Case(text: "count in name", code: .typeMismatch, offset: 6),
            Case(text: "-name", code: .typeMismatch, offset: 0),
            Case(text: "not amount", code: .typeMismatch, offset: 0),
            Case(text: "amount.value", code: .typeMismatch, offset: 0),
            Case(text: "now() + name", code: .typeMismatch, offset: 6),
            Case(text: "round(amount, name)", code: .typeMismatch, offset: 14, hint: "convert with to_number(name)"),
            Case(text: "tags * 2", code: .typeMismatch, offset: 5),
            Case(text: "log1p(1, 2)", code: .wrongArgumentCount, offset: 0, hint: "signature: log1p(x: number)"),
            Case(text: "1 + substring(name)", code: .wrongArgumentCount, offset: 4,
                hint: "signature: substring(s: string, start: integer, length?: integer)"),
            Case(text: "min()", code: .wrongArgumentCount, offset: 0),
            Case(text: "now(1)", code: .wrongArgumentCount, offset: 0),
            Case(text: "matches(name, '([')", code: .invalidArgument, offset: 14),
            Case(text: "bucketize(amount, [10, 5])", code: .invalidArgument, offset: 18),
            Case(text: "bucketize(amount, [10, 'x'])", code: .invalidArgument, offset: 18),
            Case(text: "hash_bucket(name, 0)", code: .invalidArgument, offset: 18),
            Case(text: "bucketize(amount, 10)", code: .typeMismatch, offset: 18),
        ])
    func typeErrors(c: Case) throws {
        let error = try #require(try typeError(c.text))
        #expect(error.code == c.code)
        #expect(error.offset == c.offset)
        if let hint = c.hint { #expect(error.hint == hint) }
    }

    @Test("the message of a mismatch names both types")
    func message() throws {
        let error = try #require(try typeError("lower(amount)"))
        #expect(error.message == "lower() expects a string for 's', got a number")
        #expect(error.field == "amount")
    }

    @Test(
        "without a schema, fields are untyped and only literal mistakes are static errors",
        arguments: ["lower(amount)", "amount + 'x'", "amout > 1", "x.y.z * 2"])
    func noSchema(text: String) throws {
        #expect(try typeError(text, schema: nil) == nil)
    }

    @Test(
        "result types",
        arguments: [
            ("count + 1", ValueType.integer), ("amount + 1", .number), ("count / 2", .number), ("count // 2", .integer),
            ("name + 'x'", .string), ("count > 1", .boolean), ("round(amount)", .integer), ("round(amount, 2)", .number),
            ("min(count, 2)", .integer), ("min(count, 2.5)", .number), ("one_hot(name, ['a'])", .array),
            ("coalesce(count, 0)", .integer), ("count ?? amount", .number), ("if flag then 1 else 'x'", .any),
            ("if flag then count else null", .integer), ("now()", .integer), ("to_number(name)", .number),
            ("len(tags)", .integer), ("user.country", .any), ("concat(name, count)", .string), ("-count", .integer),
            ("null", .any),
        ])
    func resultType(text: String, type: ValueType) throws {
        #expect(try Expression.parse(text).compile(schema: sampleSchema).resultType == type)
    }

    @Test("untyped fields give untyped or numeric results", arguments: [("x", ValueType.any), ("x + 1", .number), ("x + y", .any)])
    func untypedResult(text: String, type: ValueType) throws {
        #expect(try Expression.parse(text).compile().resultType == type)
    }

    @Test("referenced fields are reported as written")
    func referencedFields() throws {
        let e = try Expression.parse("a + b.c * `d e` + coalesce(f, 1) + now()").compile()
        #expect(e.referencedFields == ["a", "b.c", "d e", "f"])
        #expect(try Expression.parse("now() + 1").compile().referencedFields.isEmpty)
    }

    @Test("dotted paths into a declared object are accepted")
    func dottedSchema() throws {
        #expect(try typeError("user.country == 'AE'") == nil)
        let nested = try Expression.parse("geo.lat * 2").compile(schema: ["geo.lat": .number])
        #expect(nested.resultType == .number)
    }

    @Test("constant subexpressions are folded; clock reads are not")
    func folding() throws {
        #expect(try Expression.parse("1h + 30m").compile().constantValue == .int(5_400_000))
        #expect(try Expression.parse("upper('a') + 'b'").compile().constantValue == .string("Ab"))
        #expect(try Expression.parse("now() + 1").compile().constantValue == nil)
        #expect(try Expression.parse("count + 1").compile().constantValue == nil)
    }
}
