import SluiceCore

extension Compiler {
    mutating func compileUnary(_ op: UnaryOperator, _ x: CompiledNode, _ node: ExpressionNode) throws(ExpressionTypeError)
        -> CompiledNode
    {
        let e = x.eval
        let field = x.field
        switch op {
        case .negate:
            guard x.type.isNumericOrAny else {
                throw ExpressionTypeError(.typeMismatch, at: node.anchor, "'-' needs a number, got \(x.type.article)",
                    field: field)
            }
            let out = CompiledNode(type: x.type == .any ? .number : x.type) { r, c throws(RecordError) in
                try Arithmetic.negate(try e(r, c), field: field)
            }
            return folded(out, inputs: [x])
        case .not:
            try requireBoolean(x, "not", at: node.anchor)
            let out = CompiledNode(type: .boolean) { r, c throws(RecordError) in
                switch try e(r, c) {
                case .bool(let b): return .bool(!b)
                case .null: return .null
                case let v: throw .wrongType("'not' needs a boolean, got \(v.typeName)", field: field)
                }
            }
            return folded(out, inputs: [x])
        }
    }

    mutating func compileBinary(_ op: BinaryOperator, _ l: CompiledNode, _ r: CompiledNode, _ node: ExpressionNode)
        throws(ExpressionTypeError) -> CompiledNode
    {
        switch op {
        case .and, .or: return try compileLogic(op, l, r, node)
        case .coalesce: return compileCoalesce([l, r])
        case .in, .notIn: return try compileMembership(negated: op == .notIn, l, r, node)
        default: break
        }
        let type = try BinaryTypeRules.resultType(op, l, r, node)
        let f = Arithmetic.function(op)
        let site = OperatorSite(symbol: op.rawValue, leftField: l.field, rightField: r.field)
        let le = l.eval
        let re = r.eval
        let eval: Evaluator
        if let k = r.constant {
            eval = { rec, c throws(RecordError) in try f(try le(rec, c), k, site) }
        } else if let k = l.constant {
            eval = { rec, c throws(RecordError) in try f(k, try re(rec, c), site) }
        } else {
            eval = { rec, c throws(RecordError) in
                let a = try le(rec, c)
                return try f(a, try re(rec, c), site)
            }
        }
        return folded(CompiledNode(type: type, eval: eval), inputs: [l, r])
    }

    func requireBoolean(_ x: CompiledNode, _ what: String, at offset: Int) throws(ExpressionTypeError) {
        guard x.type == .boolean || x.type == .any else {
            let hint = x.type.isNumeric ? "compare it, e.g. \(x.field ?? "x") > 0" : nil
            throw ExpressionTypeError(.typeMismatch, at: offset, "'\(what)' needs a boolean, got \(x.type.article)",
                hint: hint, field: x.field)
        }
    }

    /// `and` / `or` with three-valued logic: `false and null` is false, `true or null` is true,
    /// otherwise a null operand gives null. The right side is evaluated only when needed.
    private func compileLogic(_ op: BinaryOperator, _ l: CompiledNode, _ r: CompiledNode, _ node: ExpressionNode)
        throws(ExpressionTypeError) -> CompiledNode
    {
        try requireBoolean(l, op.rawValue, at: node.anchor)
        try requireBoolean(r, op.rawValue, at: node.anchor)
        let (le, re) = (l.eval, r.eval)
        let (lf, rf) = (l.field, r.field)
        let decisive = op == .or  // the value that settles the result on its own
        let name = op.rawValue
        let eval: Evaluator = { rec, c throws(RecordError) in
            let a = try le(rec, c)
            switch a {
            case .bool(let x) where x == decisive: return a
            case .bool, .null: break
            default: throw .wrongType("'\(name)' needs booleans, got \(a.typeName)", field: lf)
            }
            let b = try re(rec, c)
            switch b {
            case .bool(let y) where y == decisive: return b
            case .bool: return a
            case .null: return .null
            default: throw .wrongType("'\(name)' needs booleans, got \(b.typeName)", field: rf)
            }
        }
        return folded(CompiledNode(type: .boolean, eval: eval), inputs: [l, r])
    }

    /// `a ?? b` and `coalesce(a, b, …)`: the first operand that is not null, evaluated lazily.
    func compileCoalesce(_ parts: [CompiledNode]) -> CompiledNode {
        let evals = parts.map(\.eval)
        let type = Compiler.unify(parts)
        let eval: Evaluator
        if evals.count == 2 {
            let (first, second) = (evals[0], evals[1])
            eval = { r, c throws(RecordError) in
                let v = try first(r, c)
                return v.isNull ? try second(r, c) : v
            }
        } else {
            eval = { r, c throws(RecordError) in
                for e in evals {
                    let v = try e(r, c)
                    if !v.isNull { return v }
                }
                return .null
            }
        }
        if parts.allSatisfy(\.isNullLiteral) { return .constant(.null, type: .any) }
        return folded(CompiledNode(type: type, eval: eval), inputs: parts)
    }

    /// `x in list`: true when some element equals `x` (by `==`); null when `x` or the list is null.
    private func compileMembership(negated: Bool, _ l: CompiledNode, _ r: CompiledNode, _ node: ExpressionNode)
        throws(ExpressionTypeError) -> CompiledNode
    {
        guard r.type == .array || r.type == .any else {
            throw ExpressionTypeError(.typeMismatch, at: node.anchor, "the right side of 'in' must be a list, got \(r.type.article)",
                hint: "write x in [a, b, c]", field: r.field)
        }
        let (le, re) = (l.eval, r.eval)
        let rf = r.field
        let eval: Evaluator
        if case .array(let items)? = r.constant {
            eval = { rec, c throws(RecordError) in
                let x = try le(rec, c)
                if x.isNull { return .null }
                for item in items where Value.looselyEqual(x, item) { return .bool(!negated) }
                return .bool(negated)
            }
        } else {
            eval = { rec, c throws(RecordError) in
                let x = try le(rec, c)
                let list = try re(rec, c)
                if x.isNull || list.isNull { return .null }
                guard case .array(let items) = list else {
                    throw .wrongType("the right side of 'in' must be a list, got \(list.typeName)", field: rf)
                }
                for item in items where Value.looselyEqual(x, item) { return .bool(!negated) }
                return .bool(negated)
            }
        }
        return folded(CompiledNode(type: .boolean, eval: eval), inputs: [l, r])
    }

    /// `if c then a else b`: a null condition takes the `else` branch, as a filter would drop it.
    mutating func compileConditional(_ c: CompiledNode, _ a: CompiledNode, _ b: CompiledNode, _ node: ExpressionNode)
        throws(ExpressionTypeError) -> CompiledNode
    {
        try requireBoolean(c, "if", at: node.anchor)
        let type = Compiler.unify([a, b])
        if let k = c.constant {
            var chosen = (k == .bool(true)) ? a : b
            chosen.type = type
            return chosen
        }
        let (ce, ae, be) = (c.eval, a.eval, b.eval)
        let cf = c.field
        return CompiledNode(type: type) { r, ctx throws(RecordError) in
            switch try ce(r, ctx) {
            case .bool(true): return try ae(r, ctx)
            case .bool(false), .null: return try be(r, ctx)
            case let v: throw .wrongType("the condition of 'if' must be a boolean, got \(v.typeName)", field: cf)
            }
        }
    }
}
