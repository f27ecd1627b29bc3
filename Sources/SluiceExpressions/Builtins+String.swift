import SluiceCore

/// String functions. Lengths and positions count Characters (what a reader sees as one letter).
enum StringBuiltins {
    static let lower: FunctionBody.Unary = { v in .string(v.asString!.lowercased()) }
    static let upper: FunctionBody.Unary = { v in .string(v.asString!.uppercased()) }

    static let trim: FunctionBody.Unary = { v in .string(String(v.asString!.trimmingWhitespace)) }

    static let len: FunctionBody.Unary = { v in
        switch v {
        case .array(let a): .int(Int64(a.count))
        default: .int(Int64(v.asString!.count))
        }
    }

    /// `substring(s, start[, length])`: 0-based; a negative start counts from the end;
    /// a range past the end is cut short, like Python slicing.
    static func substring(_ s: Value, _ start: Value, _ length: Value?) throws(RecordError) -> Value {
        let text = s.asString!
        let count = text.count
        var from = Int(clamping: start.asInt!)
        if from < 0 { from = Swift.max(0, count + from) }
        from = Swift.min(from, count)
        var take = count - from
        if let length {
            let n = Int(clamping: length.asInt!)
            guard n >= 0 else { throw .outOfRange("substring length must be >= 0, got \(n)") }
            take = Swift.min(take, n)
        }
        let lower = text.index(text.startIndex, offsetBy: from)
        let upper = text.index(lower, offsetBy: take)
        return .string(String(text[lower..<upper]))
    }
    static let substring2: FunctionBody.Binary = { s, a throws(RecordError) in try substring(s, a, nil) }
    static let substring3: FunctionBody.Ternary = { s, a, n throws(RecordError) in try substring(s, a, n) }

    static let concat: FunctionBody.Variadic = { values in
        var out = ""
        for v in values { out += v.expressionText }
        return .string(out)
    }

    static let contains: FunctionBody.Binary = { s, sub in .bool(s.asString!.contains(sub.asString!)) }
    static let startsWith: FunctionBody.Binary = { s, p in .bool(s.asString!.hasPrefix(p.asString!)) }
    static let endsWith: FunctionBody.Binary = { s, p in .bool(s.asString!.hasSuffix(p.asString!)) }

    static let toString: FunctionBody.Unary = { v in .string(v.expressionText) }

    /// Parses a number; text that is not one gives null, so `to_number(x) ?? 0` supplies a default.
    static let toNumber: FunctionBody.Unary = { v in
        switch v {
        case .int, .double: return v
        case .bool(let b): return .int(b ? 1 : 0)
        case .string(let raw):
            let s = raw.trimmingWhitespace
            if let i = Int64(s) { return .int(i) }
            if let d = Double(s), d.isFinite { return .double(d) }
            return .null
        default: return .null
        }
    }
}

extension String {
    var trimmingWhitespace: Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        return self[first...lastIndex(where: { !$0.isWhitespace })!]
    }
}
