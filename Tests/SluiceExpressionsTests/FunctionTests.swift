import SluiceCore
import SluiceExpressions
import Testing

@Suite("Functions")
struct FunctionTests {
    @Test(
        "math",
        arguments: [
            ("log(1)", Value.double(0)), ("log(100, 10)", .double(2)), ("log1p(0)", .double(0)),
            ("log1p(amount)", .double(5.020585624949424)), ("exp(0)", .double(1)), ("sqrt(16)", .double(4)),
            ("abs(-3)", .int(3)), ("abs(-2.5)", .double(2.5)),
            ("min(3, 1, 2)", .int(1)), ("max(3, 1.5)", .double(3)), ("min(2.5, 1)", .double(1)), ("max(count)", .int(3)),
            ("round(2.5)", .int(3)), ("round(-2.5)", .int(-3)), ("round(2.4)", .int(2)), ("round(count)", .int(3)),
            ("round(3.14159, 2)", .double(3.14)), ("round(1234.5, -2)", .double(1200)),
            ("floor(-1.5)", .int(-2)), ("ceil(1.2)", .int(2)), ("floor(7)", .int(7)),
            ("pow(2, 10)", .double(1024)), ("clamp(15, 0, 10)", .int(10)), ("clamp(-0.5, 0, 1)", .double(0)),
            ("clamp(amount, 0, 1000)", .double(150.5)),
        ])
    func math(text: String, expected: Value) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test(
        "strings",
        arguments: [
            ("lower('AbC')", Value.string("abc")), ("upper(name)", .string("ALICE")), ("trim('  a b \\t')", .string("a b")),
            ("len(name)", .int(5)), ("len('héllo')", .int(5)), ("len(tags)", .int(2)), ("len('')", .int(0)),
            ("substring(name, 1)", .string("lice")), ("substring(name, 1, 3)", .string("lic")),
            ("substring(name, -3)", .string("ice")), ("substring(name, 10)", .string("")),
            ("substring(name, 3, 100)", .string("ce")),
            ("concat(name, '-', count)", .string("Alice-3")), ("concat('x', 1.5, true)", .string("x1.5true")),
            ("contains(name, 'lic')", .bool(true)), ("contains(name, 'bob')", .bool(false)),
            ("starts_with(name, 'Al')", .bool(true)), ("ends_with(name, 'z')", .bool(false)),
            ("matches(name, '^A[a-z]+$')", .bool(true)), ("matches(name, 'z')", .bool(false)),
            ("matches('u123', '^u[0-9]+$')", .bool(true)), ("matches(name, pattern)", .bool(true)),
            ("to_string(count)", .string("3")), ("to_string(1.5)", .string("1.5")), ("to_string(flag)", .string("true")),
            ("to_number('42')", .int(42)), ("to_number(' 2.5 ')", .double(2.5)), ("to_number('abc')", .null),
            ("to_number(true)", .int(1)), ("to_number(amount)", .double(150.5)),
            ("concat('u', 42)", .string("u42")), ("to_number('abc') ?? 0", .int(0)),
            ("to_string([1, 'a'])", .string("[1,\"a\"]")),
        ])
    func strings(text: String, expected: Value) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test(
        "time, in UTC with Monday = 0",
        arguments: [
            ("now()", Value.int(1_700_000_000_000)), ("event_time()", .int(1_600_000_000_000)),
            ("hour_of_day(ts)", .int(22)), ("minute_of_hour(ts)", .int(13)), ("day_of_week(ts)", .int(1)),
            ("day_of_week(0)", .int(3)), ("hour_of_day(-1)", .int(23)), ("day_of_week(-1)", .int(2)),
            ("minute_of_hour(-1)", .int(59)), ("hour_of_day(ts + 2h)", .int(0)), ("day_of_week(ts + 6d)", .int(0)),
            ("hour_of_day(3600000.5)", .int(1)),
        ])
    func time(text: String, expected: Value) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test("event_time() prefers the extracted event time over the Kafka timestamp")
    func eventTime() throws {
        var record = sampleRecord
        record.eventTime = 42
        #expect(try evaluate("event_time()", record) == .int(42))
    }

    @Test(
        "feature engineering",
        arguments: [
            ("bucketize(5, [10, 100])", Value.int(0)), ("bucketize(10, [10, 100])", .int(1)),
            ("bucketize(99.9, [10, 100])", .int(1)), ("bucketize(100, [10, 100])", .int(2)),
            ("bucketize(amount, [10, 100, 1000])", .int(2)), ("bucketize(-1e9, [0])", .int(0)),
            ("bucketize(count, tags_edges ?? [1, 3])", .int(2)),
            ("one_hot(name, ['Bob', 'Alice'])", .array([0, 1])), ("one_hot('z', ['a', 'b'])", .array([0, 0])),
            ("one_hot(count, [1, 3.0])", .array([0, 1])), ("one_hot(name, tags)", .array([0, 0])),
            ("scale(amount, 100.5, 25)", .double(2)), ("scale(count, 1, 2)", .double(1)),
            // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c, of "" 0xcbf29ce484222325, of "foobar" 0x85944171f73967e8.
            ("hash_bucket('a', 1000)", .int(996)), ("hash_bucket('', 7)", .int(2)),
            ("hash_bucket('foobar', 1000003)", .int(281_224)), ("hash_bucket(concat('foo', 'bar'), 1000003)", .int(281_224)),
        ])
    func features(text: String, expected: Value) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test("a literal regex is compiled once and gives the same answers on every record")
    func regexReuse() throws {
        let compiled = try Expression.parse("matches(user_id, '^u[0-9]+$')").compile()
        let answers = try ["u1", "u22", "x1", "u", "u12a"].map { id in
            try compiled.evaluateBool(Record(fields: ["user_id": .string(id)]), sampleContext)
        }
        #expect(answers == [true, true, false, false, false])
    }
}
