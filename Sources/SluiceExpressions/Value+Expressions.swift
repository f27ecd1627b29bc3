public import SluiceCore

extension Value {
    /// How `to_string`, `concat` and one-hot field names render a value: strings as they are,
    /// integers in decimal, numbers in their shortest round-tripping form, others as JSON.
    public var expressionText: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        default: description
        }
    }

    /// Equality as `==` and `in` see it: `1 == 1.0`, arrays element-wise, otherwise same type and value.
    static func looselyEqual(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x == y
        case (.int, .double), (.double, .int), (.double, .double): return a.asDouble! == b.asDouble!
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { looselyEqual($0, $1) }
        default: return a == b
        }
    }
}

extension RecordError {
    static func outOfRange(_ message: String, field: String? = nil) -> RecordError {
        RecordError(.outOfRange, field: field, message)
    }
    static func divisionByZero(_ message: String, field: String? = nil) -> RecordError {
        RecordError(.divisionByZero, field: field, message)
    }
    static func wrongType(_ message: String, field: String?) -> RecordError {
        RecordError(.wrongType, field: field, message)
    }

    /// Names `field` as the culprit unless the error already names one.
    func attributed(to field: String?) -> RecordError {
        guard self.field == nil, let field else { return self }
        var copy = self
        copy.field = field
        return copy
    }
}

/// Converts a double to an integer, or fails when it has no integer value in range.
func exactInteger(_ d: Double, _ what: String) throws(RecordError) -> Int64 {
    guard d.isFinite, d >= -9.223372036854775808e18, d < 9.223372036854775808e18 else {
        throw .outOfRange("\(what) \(Value.double(d)) does not fit in a 64-bit integer")
    }
    return Int64(d)
}
