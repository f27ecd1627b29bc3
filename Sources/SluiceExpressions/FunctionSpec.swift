import SluiceCore

/// What a function parameter accepts, statically and at run time.
enum ParameterKind: Sendable {
    case number, integer, string, array, any
    /// A string or an array (`len`).
    case sequence

    /// Matches on `self` first so that checking a value never copies its payload.
    @inline(__always)
    func accepts(_ value: Value) -> Bool {
        switch self {
        case .any: return true
        case .number:
            switch value {
            case .int, .double: return true
            default: return false
            }
        case .integer:
            switch value {
            case .int: return true
            case .double(let d): return d.rounded() == d
            default: return false
            }
        case .string:
            if case .string = value { return true }
            return false
        case .array:
            if case .array = value { return true }
            return false
        case .sequence:
            switch value {
            case .string, .array: return true
            default: return false
            }
        }
    }

    func accepts(_ type: ValueType) -> Bool {
        switch self {
        case .any: true
        case .number, .integer: type.isNumericOrAny
        case .string: type == .string || type == .any
        case .array: type == .array || type == .any
        case .sequence: type == .string || type == .array || type == .any
        }
    }

    var label: String {
        switch self {
        case .number: "number"
        case .integer: "integer"
        case .string: "string"
        case .array: "list"
        case .any: "value"
        case .sequence: "string or list"
        }
    }
}

struct Parameter: Sendable {
    var name: String
    var kind: ParameterKind
    init(_ name: String, _ kind: ParameterKind) {
        self.name = name
        self.kind = kind
    }
}

/// The runtime body of a function, specialised by how many arguments it takes so that calls
/// with one to three arguments build no argument array.
enum FunctionBody: Sendable {
    typealias Unary = @Sendable (Value) throws(RecordError) -> Value
    typealias Binary = @Sendable (Value, Value) throws(RecordError) -> Value
    typealias Ternary = @Sendable (Value, Value, Value) throws(RecordError) -> Value
    typealias Variadic = @Sendable ([Value]) throws(RecordError) -> Value

    /// Reads only the record and the context (`now`, `event_time`).
    case context(@Sendable (Record, EvaluationContext) -> Value)
    case unary(Unary)
    case binary(Binary)
    case ternary(Ternary)
    case variadic(Variadic)
    /// Compiled by the compiler itself because it does not propagate null (`is_null`, `coalesce`).
    case special
}

/// A built-in function: its signature, how its result type follows from its arguments, and its body.
struct FunctionSpec: Sendable {
    var name: String
    var parameters: [Parameter]
    /// How many leading parameters are required; the rest are optional.
    var required: Int
    /// Whether the last parameter may repeat.
    var variadic: Bool = false
    /// Whether a null argument makes the result null without calling the body.
    var propagatesNull: Bool = true
    /// Whether the result depends on more than the arguments (the clock, the record's time).
    var isPure: Bool = true
    var result: @Sendable ([ValueType]) -> ValueType
    var body: @Sendable (_ arity: Int) -> FunctionBody

    func parameter(at index: Int) -> Parameter {
        index < parameters.count ? parameters[index] : parameters[parameters.count - 1]
    }

    var arityText: String {
        if variadic { return "at least \(required) argument\(required == 1 ? "" : "s")" }
        if required == parameters.count { return "\(required) argument\(required == 1 ? "" : "s")" }
        return "\(required) to \(parameters.count) arguments"
    }

    func accepts(arity: Int) -> Bool {
        arity >= required && (variadic || arity <= parameters.count)
    }

    /// `name(a: number, b?: integer) ` as error messages show it.
    var signature: String {
        let params = parameters.enumerated().map { i, p in
            "\(p.name)\(i >= required ? "?" : ""): \(p.kind.label)\(variadic && i == parameters.count - 1 ? "..." : "")"
        }
        return "\(name)(\(params.joined(separator: ", ")))"
    }
}

/// Result-type rules shared by several functions.
enum ResultRule {
    static func fixed(_ t: ValueType) -> @Sendable ([ValueType]) -> ValueType { { _ in t } }
    /// `integer` when every argument is an integer, else `number` (min, max, clamp, abs).
    static let integerIfAllIntegers: @Sendable ([ValueType]) -> ValueType = { types in
        types.allSatisfy { $0 == .integer } ? .integer : .number
    }
}
