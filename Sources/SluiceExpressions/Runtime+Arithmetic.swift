import Foundation
import SluiceCore

/// Where a binary operator sits, for runtime error messages: its symbol and the fields it reads.
struct OperatorSite: Sendable {
    var symbol: String
    var leftField: String?
    var rightField: String?

    /// Null in, null out; any other non-numeric operand is a type error naming its field.
    func nonNumeric(_ a: Value, _ b: Value) throws(RecordError) -> Value {
        if a.isNull || b.isNull { return .null }
        throw .wrongType(
            "'\(symbol)' needs numbers, got \(a.typeName) \(symbol) \(b.typeName)",
            field: blame(right: a.asDouble != nil))
    }

    /// The field to name in an error: the only field involved, else the side `right` suggests.
    func blame(right: Bool) -> String? {
        guard let leftField else { return rightField }
        guard let rightField else { return leftField }
        return right ? rightField : leftField
    }

    func overflow(_ a: Int64, _ b: Int64) -> RecordError {
        .outOfRange("integer overflow in \(a) \(symbol) \(b)", field: leftField ?? rightField)
    }

    func divisionByZero(_ a: Value) -> RecordError {
        .divisionByZero("\(a) \(symbol) 0", field: rightField)
    }
}

typealias BinaryRuntime = @Sendable (Value, Value, OperatorSite) throws(RecordError) -> Value

/// Arithmetic on values. Integer with integer stays an integer (overflow is an error); a double on
/// either side makes a double. `/` always gives a number, like Python 3; `//` and `%` floor.
enum Arithmetic {
    @inline(__always)
    static func numeric(
        _ a: Value, _ b: Value, _ s: OperatorSite,
        int: (Int64, Int64) throws(RecordError) -> Value, double: (Double, Double) throws(RecordError) -> Value
    ) throws(RecordError) -> Value {
        switch a {
        case .double(let x):
            switch b {
            case .double(let y): return try double(x, y)
            case .int(let y): return try double(x, Double(y))
            default: break
            }
        case .int(let x):
            switch b {
            case .int(let y): return try int(x, y)
            case .double(let y): return try double(Double(x), y)
            default: break
            }
        default: break
        }
        return try s.nonNumeric(a, b)
    }

    static let add: BinaryRuntime = { a, b, s throws(RecordError) in
        if case .string(let x) = a, case .string(let y) = b { return .string(x + y) }
        return try numeric(a, b, s, int: { x, y throws(RecordError) in
            let (r, o) = x.addingReportingOverflow(y)
            if o { throw s.overflow(x, y) }
            return .int(r)
        }, double: { .double($0 + $1) })
    }

    static let subtract: BinaryRuntime = { a, b, s throws(RecordError) in
        try numeric(a, b, s, int: { x, y throws(RecordError) in
            let (r, o) = x.subtractingReportingOverflow(y)
            if o { throw s.overflow(x, y) }
            return .int(r)
        }, double: { .double($0 - $1) })
    }

    static let multiply: BinaryRuntime = { a, b, s throws(RecordError) in
        try numeric(a, b, s, int: { x, y throws(RecordError) in
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if o { throw s.overflow(x, y) }
            return .int(r)
        }, double: { .double($0 * $1) })
    }

    static let divide: BinaryRuntime = { a, b, s throws(RecordError) in
        try numeric(a, b, s, int: { x, y throws(RecordError) in
            if y == 0 { throw s.divisionByZero(a) }
            return .double(Double(x) / Double(y))
        }, double: { x, y throws(RecordError) in
            if y == 0 { throw s.divisionByZero(a) }
            return .double(x / y)
        })
    }

    static let floorDivide: BinaryRuntime = { a, b, s throws(RecordError) in
        try numeric(a, b, s, int: { x, y throws(RecordError) in
            if y == 0 { throw s.divisionByZero(a) }
            let (q, o) = x.dividedReportingOverflow(by: y)
            if o { throw s.overflow(x, y) }
            return .int((x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q)
        }, double: { x, y throws(RecordError) in
            if y == 0 { throw s.divisionByZero(a) }
            return .double((x / y).rounded(.down))
        })
    }

    /// Floored modulo: the result has the sign of the divisor (`-7 % 3 == 2`), as in Python.
    static let modulo: BinaryRuntime = { a, b, s throws(RecordError) in
        try numeric(a, b, s, int: { x, y throws(RecordError) in
            if y == 0 { throw s.divisionByZero(a) }
            let (r, o) = x.remainderReportingOverflow(dividingBy: y)
            if o { return .int(0) }  // Int64.min % -1 is mathematically 0
            return .int((r != 0 && (r < 0) != (y < 0)) ? r + y : r)
        }, double: { x, y throws(RecordError) in
            if y == 0 { throw s.divisionByZero(a) }
            let r = x.truncatingRemainder(dividingBy: y)
            return .double((r != 0 && (r < 0) != (y < 0)) ? r + y : r)
        })
    }

    static func function(_ op: BinaryOperator) -> BinaryRuntime {
        switch op {
        case .add: add
        case .subtract: subtract
        case .multiply: multiply
        case .divide: divide
        case .floorDivide: floorDivide
        case .modulo: modulo
        case .equal: Comparison.equal
        case .notEqual: Comparison.notEqual
        case .less: Comparison.less
        case .lessEqual: Comparison.lessEqual
        case .greater: Comparison.greater
        case .greaterEqual: Comparison.greaterEqual
        case .and, .or, .coalesce, .in, .notIn: preconditionFailure("\(op) is compiled by the compiler")
        }
    }

    static func negate(_ v: Value, field: String?) throws(RecordError) -> Value {
        switch v {
        case .double(let d): return .double(-d)
        case .int(let i):
            guard i != .min else { throw .outOfRange("integer overflow in -(\(i))", field: field) }
            return .int(-i)
        case .null: return .null
        default: throw .wrongType("'-' needs a number, got \(v.typeName)", field: field)
        }
    }
}
