import SluiceCore
import SluiceExpressions

/// The record most tests evaluate against.
let sampleRecord = Record(
    fields: [
        "amount": .double(150.5),
        "count": .int(3),
        "zero": .int(0),
        "big": .int(.max),
        "name": "Alice",
        "flag": true,
        "nothing": .null,
        "tags": .array(["a", "b"]),
        "user": .object(["country": "AE", "age": 30]),
        "ts": .int(1_700_000_000_000),  // 2023-11-14T22:13:20Z, a Tuesday
        "order id": .int(7),
        "bad_regex": "([",
        "pattern": "^A",
        "unsorted": .array([5, 1]),
    ],
    timestamp: 1_600_000_000_000
)

let sampleContext = EvaluationContext(now: 1_700_000_000_000)

/// The schema matching `sampleRecord`.
let sampleSchema: [String: ValueType] = [
    "amount": .number, "count": .integer, "zero": .integer, "big": .integer, "name": .string,
    "flag": .boolean, "tags": .array, "user": .object, "ts": .integer, "order id": .integer,
]

func evaluate(_ text: String, _ record: Record = sampleRecord, schema: [String: ValueType]? = nil) throws -> Value {
    try Expression.parse(text).compile(schema: schema).evaluate(record, sampleContext)
}

/// The runtime error an expression raises on `sampleRecord`, if any.
func runtimeError(_ text: String) throws -> RecordError? {
    let compiled = try Expression.parse(text).compile()
    do {
        _ = try compiled.evaluate(sampleRecord, sampleContext)
        return nil
    } catch {
        return error
    }
}

func syntaxError(_ text: String) -> ExpressionSyntaxError? {
    do {
        _ = try Expression.parse(text)
        return nil
    } catch {
        return error
    }
}

func typeError(_ text: String, schema: [String: ValueType]? = sampleSchema) throws -> ExpressionTypeError? {
    let parsed = try Expression.parse(text)
    do {
        _ = try parsed.compile(schema: schema)
        return nil
    } catch {
        return error
    }
}
