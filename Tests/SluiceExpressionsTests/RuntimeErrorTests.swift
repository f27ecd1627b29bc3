import SluiceCore
import SluiceExpressions
import Testing

@Suite("Runtime errors")
struct RuntimeErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        var text: String
        var code: RecordError.Code
        var field: String?
        var description: String { text }
    }

    @Test(
        "failures map to record error codes naming the field",
        arguments: [
            Case(text: "count / 0", code: .divisionByZero),
            Case(text: "amount / zero", code: .divisionByZero, field: "zero"),
            Case(text: "amount / 0.0", code: .divisionByZero),
            Case(text: "count % zero", code: .divisionByZero, field: "zero"),
            Case(text: "amount % 0", code: .divisionByZero),
            Case(text: "count // zero", code: .divisionByZero, field: "zero"),
            Case(text: "scale(amount, 1, zero)", code: .divisionByZero, field: "amount"),
            Case(text: "big + 1", code: .outOfRange, field: "big"),
            Case(text: "big * 2", code: .outOfRange, field: "big"),
            Case(text: "-big - 2", code: .outOfRange),
            Case(text: "abs(-big - 1)", code: .outOfRange),
            Case(text: "round(1e300)", code: .outOfRange),
            Case(text: "name + 1", code: .wrongType, field: "name"),
            Case(text: "amount + name", code: .wrongType, field: "name"),
            Case(text: "name > 1", code: .wrongType, field: "name"),
            Case(text: "lower(count)", code: .wrongType, field: "count"),
            Case(text: "hour_of_day(name)", code: .wrongType, field: "name"),
            Case(text: "if count then 1 else 2", code: .wrongType, field: "count"),
            Case(text: "count and true", code: .wrongType, field: "count"),
            Case(text: "not name", code: .wrongType, field: "name"),
            Case(text: "-name", code: .wrongType, field: "name"),
            Case(text: "count in name", code: .wrongType, field: "name"),
            Case(text: "log(zero)", code: .outOfRange, field: "zero"),
            Case(text: "log(-1)", code: .outOfRange),
            Case(text: "log1p(-1)", code: .outOfRange),
            Case(text: "sqrt(-amount)", code: .outOfRange),
            Case(text: "log(amount, 1)", code: .outOfRange, field: "amount"),
            Case(text: "pow(-8, 0.5)", code: .outOfRange),
            Case(text: "substring(name, 0, -1)", code: .outOfRange, field: "name"),
            Case(text: "clamp(count, 5, 1)", code: .outOfRange, field: "count"),
            Case(text: "hash_bucket(name, zero)", code: .outOfRange, field: "name"),
            Case(text: "bucketize(amount, unsorted)", code: .outOfRange, field: "amount"),
            Case(text: "matches(name, bad_regex)", code: .expression, field: "name"),
        ])
    func failure(c: Case) throws {
        let error = try #require(try runtimeError(c.text))
        #expect(error.code == c.code)
        #expect(error.field == c.field)
    }

    @Test("an integer that overflows is reported, not wrapped")
    func overflowMessage() throws {
        let error = try #require(try runtimeError("big + 1"))
        #expect(error.message == "integer overflow in 9223372036854775807 + 1")
    }

    @Test("a non-boolean condition is a type error for filters")
    func nonBooleanCondition() throws {
        let filter = try Expression.parse("count + 1").compile()
        #expect(throws: RecordError.self) { try filter.evaluateBool(sampleRecord, sampleContext) }
    }

    @Test("constant failures are raised at run time, not folded away")
    func constantFailure() throws {
        let compiled = try Expression.parse("1 / 0").compile()
        #expect(compiled.constantValue == nil)
        #expect(throws: RecordError(.divisionByZero, "1 / 0")) { try compiled.evaluate(Record(), sampleContext) }
    }
}
