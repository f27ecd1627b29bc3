import SluiceCore

/// Every built-in function, by name. docs/expressions.md lists the same set with examples.
enum FunctionCatalog {
    static func spec(named name: String) -> FunctionSpec? { table[name] }
    static var names: Dictionary<String, FunctionSpec>.Keys { table.keys }

    private static func unary(_ b: @escaping FunctionBody.Unary) -> @Sendable (Int) -> FunctionBody { { _ in .unary(b) } }
    private static func binary(_ b: @escaping FunctionBody.Binary) -> @Sendable (Int) -> FunctionBody { { _ in .binary(b) } }
    private static func ternary(_ b: @escaping FunctionBody.Ternary) -> @Sendable (Int) -> FunctionBody {
        { _ in .ternary(b) }
    }
    private static func variadic(_ b: @escaping FunctionBody.Variadic) -> @Sendable (Int) -> FunctionBody {
        { _ in .variadic(b) }
    }

    private static let x = Parameter("x", .number)
    private static let s = Parameter("s", .string)

    private static let specs: [FunctionSpec] = [
        // Math
        FunctionSpec(name: "log", parameters: [x, Parameter("base", .number)], required: 1,
            result: ResultRule.fixed(.number), body: { $0 == 1 ? .unary(MathBuiltins.log) : .binary(MathBuiltins.logBase) }),
        FunctionSpec(name: "log1p", parameters: [x], required: 1, result: ResultRule.fixed(.number), body: unary(MathBuiltins.log1p)),
        FunctionSpec(name: "exp", parameters: [x], required: 1, result: ResultRule.fixed(.number), body: unary(MathBuiltins.exp)),
        FunctionSpec(name: "sqrt", parameters: [x], required: 1, result: ResultRule.fixed(.number), body: unary(MathBuiltins.sqrt)),
        FunctionSpec(name: "abs", parameters: [x], required: 1, result: ResultRule.integerIfAllIntegers, body: unary(MathBuiltins.abs)),
        FunctionSpec(name: "min", parameters: [x], required: 1, variadic: true,
            result: ResultRule.integerIfAllIntegers, body: variadic(MathBuiltins.min)),
        FunctionSpec(name: "max", parameters: [x], required: 1, variadic: true,
            result: ResultRule.integerIfAllIntegers, body: variadic(MathBuiltins.max)),
        FunctionSpec(name: "round", parameters: [x, Parameter("digits", .integer)], required: 1,
            result: { $0.count == 1 ? .integer : .number },
            body: { $0 == 1 ? .unary(MathBuiltins.round) : .binary(MathBuiltins.roundDigits) }),
        FunctionSpec(name: "floor", parameters: [x], required: 1, result: ResultRule.fixed(.integer), body: unary(MathBuiltins.floor)),
        FunctionSpec(name: "ceil", parameters: [x], required: 1, result: ResultRule.fixed(.integer), body: unary(MathBuiltins.ceil)),
        FunctionSpec(name: "pow", parameters: [x, Parameter("y", .number)], required: 2,
            result: ResultRule.fixed(.number), body: binary(MathBuiltins.pow)),
        FunctionSpec(name: "clamp", parameters: [x, Parameter("lo", .number), Parameter("hi", .number)], required: 3,
            result: ResultRule.integerIfAllIntegers, body: ternary(MathBuiltins.clamp)),
        // Strings
        FunctionSpec(name: "lower", parameters: [s], required: 1, result: ResultRule.fixed(.string), body: unary(StringBuiltins.lower)),
        FunctionSpec(name: "upper", parameters: [s], required: 1, result: ResultRule.fixed(.string), body: unary(StringBuiltins.upper)),
        FunctionSpec(name: "trim", parameters: [s], required: 1, result: ResultRule.fixed(.string), body: unary(StringBuiltins.trim)),
        FunctionSpec(name: "len", parameters: [Parameter("s", .sequence)], required: 1,
            result: ResultRule.fixed(.integer), body: unary(StringBuiltins.len)),
        FunctionSpec(name: "substring", parameters: [s, Parameter("start", .integer), Parameter("length", .integer)],
            required: 2, result: ResultRule.fixed(.string),
            body: { $0 == 2 ? .binary(StringBuiltins.substring2) : .ternary(StringBuiltins.substring3) }),
        FunctionSpec(name: "concat", parameters: [Parameter("value", .any)], required: 1, variadic: true,
            result: ResultRule.fixed(.string), body: variadic(StringBuiltins.concat)),
        FunctionSpec(name: "contains", parameters: [s, Parameter("part", .string)], required: 2,
            result: ResultRule.fixed(.boolean), body: binary(StringBuiltins.contains)),
        FunctionSpec(name: "starts_with", parameters: [s, Parameter("prefix", .string)], required: 2,
            result: ResultRule.fixed(.boolean), body: binary(StringBuiltins.startsWith)),
        FunctionSpec(name: "ends_with", parameters: [s, Parameter("suffix", .string)], required: 2,
            result: ResultRule.fixed(.boolean), body: binary(StringBuiltins.endsWith)),
        FunctionSpec(name: "matches", parameters: [s, Parameter("pattern", .string)], required: 2,
            result: ResultRule.fixed(.boolean), body: binary(RegexBuiltins.matchesDynamic)),
        FunctionSpec(name: "to_string", parameters: [Parameter("value", .any)], required: 1,
            result: ResultRule.fixed(.string), body: unary(StringBuiltins.toString)),
        FunctionSpec(name: "to_number", parameters: [Parameter("value", .any)], required: 1,
            result: ResultRule.fixed(.number), body: unary(StringBuiltins.toNumber)),
        // Null handling
        FunctionSpec(name: "is_null", parameters: [Parameter("value", .any)], required: 1, propagatesNull: false,
            result: ResultRule.fixed(.boolean), body: { _ in .special }),
        FunctionSpec(name: "coalesce", parameters: [Parameter("value", .any)], required: 1, variadic: true,
            propagatesNull: false, result: { Compiler.unify($0) }, body: { _ in .special }),
        // Time
        FunctionSpec(name: "now", parameters: [], required: 0, isPure: false,
            result: ResultRule.fixed(.integer), body: { _ in TimeBuiltins.now }),
        FunctionSpec(name: "event_time", parameters: [], required: 0, isPure: false,
            result: ResultRule.fixed(.integer), body: { _ in TimeBuiltins.eventTime }),
        FunctionSpec(name: "hour_of_day", parameters: [Parameter("ms", .number)], required: 1,
            result: ResultRule.fixed(.integer), body: unary(TimeBuiltins.hourOfDay)),
        FunctionSpec(name: "minute_of_hour", parameters: [Parameter("ms", .number)], required: 1,
            result: ResultRule.fixed(.integer), body: unary(TimeBuiltins.minuteOfHour)),
        FunctionSpec(name: "day_of_week", parameters: [Parameter("ms", .number)], required: 1,
            result: ResultRule.fixed(.integer), body: unary(TimeBuiltins.dayOfWeek)),
        // ML
        FunctionSpec(name: "bucketize", parameters: [x, Parameter("edges", .array)], required: 2,
            result: ResultRule.fixed(.integer), body: binary(MLBuiltins.bucketize)),
        FunctionSpec(name: "one_hot", parameters: [Parameter("value", .any), Parameter("categories", .array)], required: 2,
            result: ResultRule.fixed(.array), body: binary(MLBuiltins.oneHotBody)),
        FunctionSpec(name: "scale", parameters: [x, Parameter("mean", .number), Parameter("std", .number)], required: 3,
            result: ResultRule.fixed(.number), body: ternary(MathBuiltins.scale)),
        FunctionSpec(name: "hash_bucket", parameters: [Parameter("value", .any), Parameter("n", .integer)], required: 2,
            result: ResultRule.fixed(.integer), body: binary(MLBuiltins.hashBucket)),
    ]

    private static let table: [String: FunctionSpec] = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0) })
}
