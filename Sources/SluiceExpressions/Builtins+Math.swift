import Foundation
import SluiceCore

/// Math functions. Arguments arrive checked (numeric, non-null); domain errors are `OUT_OF_RANGE`
/// rather than NaN or infinity, so a bad value goes to the dead letters instead of into a model.
enum MathBuiltins {
    static func unaryDouble(_ name: String, _ f: @escaping @Sendable (Double) -> Double,
        domain: @escaping @Sendable (Double) -> Bool, rule: String) -> FunctionBody.Unary
    {
        { v throws(RecordError) in
            let x = v.asDouble!
            guard domain(x) else { throw .outOfRange("\(name)(\(v)) is undefined: \(rule)") }
            return .double(f(x))
        }
    }

    static let log = unaryDouble("log", Foundation.log, domain: { $0 > 0 }, rule: "x must be > 0")
    static let log1p = unaryDouble("log1p", Foundation.log1p, domain: { $0 > -1 }, rule: "x must be > -1")
    static let exp = unaryDouble("exp", Foundation.exp, domain: { _ in true }, rule: "")
    static let sqrt = unaryDouble("sqrt", Foundation.sqrt, domain: { $0 >= 0 }, rule: "x must be >= 0")

    static let logBase: FunctionBody.Binary = { v, b throws(RecordError) in
        let (x, base) = (v.asDouble!, b.asDouble!)
        guard x > 0, base > 0, base != 1 else {
            throw .outOfRange("log(\(v), \(b)) is undefined: x must be > 0 and base > 0, base != 1")
        }
        return .double(Foundation.log(x) / Foundation.log(base))
    }

    static let abs: FunctionBody.Unary = { v throws(RecordError) in
        switch v {
        case .int(let i):
            guard i != .min else { throw .outOfRange("abs(\(i)) overflows a 64-bit integer") }
            return .int(Swift.abs(i))
        default: return .double(Swift.abs(v.asDouble!))
        }
    }

    static let pow: FunctionBody.Binary = { x, y throws(RecordError) in
        let r = Foundation.pow(x.asDouble!, y.asDouble!)
        guard !r.isNaN else { throw .outOfRange("pow(\(x), \(y)) is undefined") }
        return .double(r)
    }

    /// `min`/`max` over one or more numbers: an integer when all are integers.
    static func extremum(_ name: String, pickFirst: @escaping @Sendable (Double, Double) -> Bool) -> FunctionBody.Variadic {
        { values throws(RecordError) in
            var best = values[0]
            var allInts = true
            for v in values {
                if case .int = v {} else { allInts = false }
                if pickFirst(v.asDouble!, best.asDouble!) { best = v }
            }
            return allInts ? best : .double(best.asDouble!)
        }
    }
    static let min = extremum("min") { $0 < $1 }
    static let max = extremum("max") { $0 > $1 }

    static let clamp: FunctionBody.Ternary = { x, lo, hi throws(RecordError) in
        if case .int(let xi) = x, case .int(let l) = lo, case .int(let h) = hi {
            guard l <= h else { throw .outOfRange("clamp bounds are reversed: \(l) > \(h)") }
            return .int(Swift.min(Swift.max(xi, l), h))
        }
        let (v, l, h) = (x.asDouble!, lo.asDouble!, hi.asDouble!)
        guard l <= h else { throw .outOfRange("clamp bounds are reversed: \(lo) > \(hi)") }
        return .double(Swift.min(Swift.max(v, l), h))
    }

    /// Rounds half away from zero to an integer, as `round(2.5) == 3` and `round(-2.5) == -3`.
    static func toInteger(_ name: String, _ rule: FloatingPointRoundingRule) -> FunctionBody.Unary {
        { v throws(RecordError) in
            if case .int = v { return v }
            return .int(try exactInteger(v.asDouble!.rounded(rule), "\(name)(\(v))"))
        }
    }
    static let round = toInteger("round", .toNearestOrAwayFromZero)
    static let floor = toInteger("floor", .down)
    static let ceil = toInteger("ceil", .up)

    static let roundDigits: FunctionBody.Binary = { v, d throws(RecordError) in
        let digits = d.asInt!
        guard (-15...15).contains(digits) else { throw .outOfRange("round digits must be between -15 and 15, got \(digits)") }
        let x = v.asDouble!
        let scale = Foundation.pow(10, Double(digits))
        let r = (x * scale).rounded(.toNearestOrAwayFromZero) / scale
        return .double(r.isFinite ? r : x)
    }

    static let scale: FunctionBody.Ternary = { x, mean, std throws(RecordError) in
        let s = std.asDouble!
        guard s != 0 else { throw .divisionByZero("scale(\(x), \(mean), \(std)): std is 0") }
        return .double((x.asDouble! - mean.asDouble!) / s)
    }
}
