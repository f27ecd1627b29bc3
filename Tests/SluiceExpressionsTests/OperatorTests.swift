import SluiceCore
import SluiceExpressions
import Testing

@Suite("Operators")
struct OperatorTests {
    @Test(
        "arithmetic",
        arguments: [
            ("1 + 2", Value.int(3)),
            ("1 + 2.5", .double(3.5)),
            ("count * 2", .int(6)),
            ("amount - 0.5", .double(150.0)),
            ("7 / 2", .double(3.5)),
            ("6 / 3", .double(2.0)),
            ("7 // 2", .int(3)),
            ("-7 // 2", .int(-4)),
            ("7.5 // 2", .double(3.0)),
            ("7 % 3", .int(1)),
            ("-7 % 3", .int(2)),
            ("7 % -3", .int(-2)),
            ("7.5 % 2", .double(1.5)),
            ("-7.5 % 2", .double(0.5)),
            ("-count", .int(-3)),
            ("- -count", .int(3)),
            ("-amount", .double(-150.5)),
            ("'ab' + 'cd'", .string("abcd")),
            ("name + '!'", .string("Alice!")),
            ("2 + 3 * 4", .int(14)),
            ("(2 + 3) * 4", .int(20)),
            ("10 - 4 - 3", .int(3)),
            ("2 * 3 % 4", .int(2)),
            ("ts + 1h", .int(1_700_003_600_000)),
        ])
    func arithmetic(text: String, expected: Value) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test(
        "comparisons and logic",
        arguments: [
            ("count == 3", true), ("count == 3.0", true), ("count != 3", false), ("amount < 200", true),
            ("amount <= 150.5", true), ("amount > 150.5", false), ("amount >= 150.5", true), ("count > 2.5", true),
            ("name < 'Bob'", true), ("name == 'Alice'", true), ("name != 'alice'", true), ("flag == true", true),
            ("tags == ['a', 'b']", true), ("[1, 2] == [1.0, 2.0]", true),
            ("true and false", false), ("true && true", true), ("false or true", true), ("false || false", false),
            ("not true", false), ("!false", true), ("not count == 3", false), ("true or false and false", true),
            ("count in [1, 2, 3]", true), ("name in ['Bob']", false), ("name not in ['Bob']", true),
            ("'a' in tags", true), ("3.0 in [1, 2, 3]", true), ("count in [1, amount, 3]", true),
            ("ts <= now() + 60s", true), ("ts < now()", false),
            ("0.0 / 1 < -1", false),
        ])
    func comparison(text: String, expected: Bool) throws {
        #expect(try evaluate(text) == .bool(expected))
        #expect(try Expression.parse(text).compile().evaluateBool(sampleRecord, sampleContext) == expected)
    }

    @Test(
        "conditionals, coalescing and field paths",
        arguments: [
            ("if count > 2 then 'big' else 'small'", Value.string("big")),
            ("count > 5 ? 'big' : 'small'", .string("small")),
            ("if nothing then 1 else 2", .int(2)),
            ("false ? 1 : true ? 2 : 3", .int(2)),
            ("if flag then if count > 1 then 'a' else 'b' else 'c'", .string("a")),
            ("nothing ?? 5", .int(5)),
            ("count ?? 5", .int(3)),
            ("not_a_field ?? 'x'", .string("x")),
            ("nothing ?? not_a_field ?? 9", .int(9)),
            ("user.country", .string("AE")),
            ("user.`age` + 1", .int(31)),
            ("`order id` * 2", .int(14)),
            ("user.missing", .null),
            ("name.first", .null),
            ("log1p(amount) * 2 + if amount > 100 then 1 else 0", .double(11.041171249898849)),
        ])
    func conditional(text: String, expected: Value) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test(
        "null propagates through operators and functions",
        arguments: [
            ("nothing + 1", Value.null), ("1 - nothing", .null), ("nothing * 2", .null), ("nothing / 2", .null),
            ("-nothing", .null), ("nothing > 1", .null), ("nothing == 1", .null), ("nothing != 1", .null),
            ("not nothing", .null), ("nothing in [1]", .null), ("1 in nothing", .null),
            ("nothing and false", .bool(false)), ("false and nothing", .bool(false)), ("nothing and true", .null),
            ("true and nothing", .null), ("nothing or true", .bool(true)), ("true or nothing", .bool(true)),
            ("nothing or false", .null),
            ("log1p(nothing)", .null), ("lower(nothing)", .null), ("concat('a', nothing)", .null),
            ("substring(name, nothing)", .null), ("clamp(nothing, 0, 1)", .null), ("one_hot(nothing, ['a'])", .null),
            ("is_null(nothing)", .bool(true)), ("is_null(not_a_field)", .bool(true)), ("is_null(count)", .bool(false)),
            ("coalesce(nothing, not_a_field, 4)", .int(4)), ("coalesce(nothing)", .null), ("nothing ?? null", .null),
        ])
    func nulls(text: String, expected: Value) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test("a null condition is false for filters", arguments: ["nothing > 1", "nothing", "not_a_field == 'x'"])
    func nullConditionIsFalse(text: String) throws {
        #expect(try Expression.parse(text).compile().evaluateBool(sampleRecord, sampleContext) == false)
    }

    @Test("the right side of and/or is not evaluated when the left decides")
    func shortCircuit() throws {
        #expect(try evaluate("false and 1 / zero > 0") == .bool(false))
        #expect(try evaluate("true or 1 / zero > 0") == .bool(true))
        #expect(try evaluate("count ?? 1 / zero") == .int(3))
        #expect(try evaluate("if true then 1 else 1 / zero") == .int(1))
    }
}
