import SluiceCore

/// Wraps a function body in the argument handling every call shares: evaluate the arguments,
/// return null if one is null, check run-time types (fields typed `any` are only known now), and
/// name the offending field in any error.
enum CallBuilder {
    struct Argument: Sendable {
        var eval: Evaluator
        var kind: ParameterKind
        var name: String
        var field: String?

        @inline(__always)
        func value(_ r: borrowing Record, _ c: borrowing EvaluationContext, function: String) throws(RecordError) -> Value? {
            let v = try eval(r, c)
            if v.isNull { return nil }
            guard kind.accepts(v) else {
                throw .wrongType("\(function)() expects a \(kind.label) for '\(name)', got \(v.typeName) \(v)", field: field)
            }
            return v
        }
    }

    static func evaluator(_ spec: FunctionSpec, _ body: FunctionBody, _ nodes: [CompiledNode]) -> Evaluator {
        let args = nodes.enumerated().map { i, n in
            let p = spec.parameter(at: i)
            return Argument(eval: n.eval, kind: p.kind, name: p.name, field: n.field)
        }
        let fn = spec.name
        // The field to blame for a domain error (log of a negative): the first argument that is a field.
        let blame = nodes.lazy.compactMap(\.field).first
        switch body {
        case .special:
            preconditionFailure("\(fn) is compiled by the compiler")
        case .context(let f):
            return { r, c in f(copy r, copy c) }
        case .unary(let f):
            let a = args[0]
            return { r, c throws(RecordError) in
                guard let x = try a.value(r, c, function: fn) else { return .null }
                do throws(RecordError) { return try f(x) } catch { throw error.attributed(to: a.field) }
            }
        case .binary(let f):
            let (a, b) = (args[0], args[1])
            return { r, c throws(RecordError) in
                guard let x = try a.value(r, c, function: fn), let y = try b.value(r, c, function: fn) else { return .null }
                do throws(RecordError) { return try f(x, y) } catch { throw error.attributed(to: blame) }
            }
        case .ternary(let f):
            let (a, b, d) = (args[0], args[1], args[2])
            return { r, c throws(RecordError) in
                guard let x = try a.value(r, c, function: fn), let y = try b.value(r, c, function: fn),
                    let z = try d.value(r, c, function: fn)
                else { return .null }
                do throws(RecordError) { return try f(x, y, z) } catch { throw error.attributed(to: blame) }
            }
        case .variadic(let f):
            return { r, c throws(RecordError) in
                var values: [Value] = []
                values.reserveCapacity(args.count)
                for a in args {
                    guard let v = try a.value(r, c, function: fn) else { return .null }
                    values.append(v)
                }
                do throws(RecordError) { return try f(values) } catch { throw error.attributed(to: blame) }
            }
        }
    }
}
