import SluiceCore

/// Comparisons. Numbers compare across integer and double; strings compare by Unicode order;
/// a null operand makes the result null. NaN is unordered: every ordering with it is false.
enum Comparison {
    enum Order { case less, equal, greater, unordered }

    @inline(__always)
    static func order(_ a: Value, _ b: Value, _ s: OperatorSite) throws(RecordError) -> Order? {
        switch (a, b) {
        case (.double(let x), .double(let y)): return order(x, y)
        case (.int(let x), .int(let y)): return x < y ? .less : (x == y ? .equal : .greater)
        case (.int(let x), .double(let y)): return order(Double(x), y)
        case (.double(let x), .int(let y)): return order(x, Double(y))
        case (.string(let x), .string(let y)): return x < y ? .less : (x == y ? .equal : .greater)
        case (.null, _), (_, .null): return nil
        default:
            let blameRight = a.asDouble != nil || a.asString != nil
            throw .wrongType(
                "'\(s.symbol)' cannot order \(a.typeName) and \(b.typeName)",
                field: s.blame(right: blameRight))
        }
    }

    @inline(__always)
    static func order(_ x: Double, _ y: Double) -> Order {
        x < y ? .less : (x == y ? .equal : (x > y ? .greater : .unordered))
    }

    static let less: BinaryRuntime = { a, b, s throws(RecordError) in
        if case .double(let x) = a, case .double(let y) = b { return .bool(x < y) }
        guard let o = try order(a, b, s) else { return .null }
        return .bool(o == .less)
    }
    static let lessEqual: BinaryRuntime = { a, b, s throws(RecordError) in
        if case .double(let x) = a, case .double(let y) = b { return .bool(x <= y) }
        guard let o = try order(a, b, s) else { return .null }
        return .bool(o == .less || o == .equal)
    }
    static let greater: BinaryRuntime = { a, b, s throws(RecordError) in
        if case .double(let x) = a, case .double(let y) = b { return .bool(x > y) }
        guard let o = try order(a, b, s) else { return .null }
        return .bool(o == .greater)
    }
    static let greaterEqual: BinaryRuntime = { a, b, s throws(RecordError) in
        if case .double(let x) = a, case .double(let y) = b { return .bool(x >= y) }
        guard let o = try order(a, b, s) else { return .null }
        return .bool(o == .greater || o == .equal)
    }

    static let equal: BinaryRuntime = { a, b, _ in
        if a.isNull || b.isNull { return .null }
        return .bool(Value.looselyEqual(a, b))
    }
    static let notEqual: BinaryRuntime = { a, b, _ in
        if a.isNull || b.isNull { return .null }
        return .bool(!Value.looselyEqual(a, b))
    }
}
