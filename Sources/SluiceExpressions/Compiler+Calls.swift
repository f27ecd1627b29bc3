import SluiceCore

extension Compiler {
    mutating func compileCall(_ name: String, _ argNodes: [ExpressionNode], _ node: ExpressionNode)
        throws(ExpressionTypeError) -> CompiledNode
    {
        guard let spec = FunctionCatalog.spec(named: name) else {
            throw ExpressionTypeError(.typeMismatch, at: node.anchor, "unknown function '\(name)'")
        }
        guard spec.accepts(arity: argNodes.count) else {
            throw ExpressionTypeError(
                .wrongArgumentCount, at: node.anchor, "\(name)() takes \(spec.arityText), got \(argNodes.count)",
                hint: "signature: \(spec.signature)")
        }
        var args: [CompiledNode] = []
        for (i, argNode) in argNodes.enumerated() {
            let arg = try compile(argNode)
            let p = spec.parameter(at: i)
            guard arg.isNullLiteral || p.kind.accepts(arg.type) else {
                throw ExpressionTypeError(
                    .typeMismatch, at: argNode.offset,
                    "\(name)() expects \(p.kind.label == "value" ? "a value" : "a \(p.kind.label)") for '\(p.name)', got \(arg.type.article)",
                    hint: conversionHint(p.kind, arg), field: arg.field)
            }
            args.append(arg)
        }
        let type = spec.result(args.map { $0.isNullLiteral ? .any : $0.type })
        switch name {
        case "is_null":
            let e = args[0].eval
            return folded(CompiledNode(type: .boolean) { r, c throws(RecordError) in .bool(try e(r, c).isNull) }, inputs: args)
        case "coalesce":
            return compileCoalesce(args)
        default:
            break
        }
        let body = try specialisedBody(spec, args, argNodes) ?? spec.body(args.count)
        let compiled = CompiledNode(type: type, eval: CallBuilder.evaluator(spec, body, args))
        return spec.isPure ? folded(compiled, inputs: args) : compiled
    }

    private func conversionHint(_ kind: ParameterKind, _ arg: CompiledNode) -> String? {
        let x = arg.field ?? "x"
        switch kind {
        case .string where arg.type.isNumeric: return "convert with to_string(\(x))"
        case .number where arg.type == .string, .integer where arg.type == .string: return "convert with to_number(\(x))"
        default: return nil
        }
    }

    /// Bodies that do work once at compile time when an argument is a constant: a literal regex is
    /// compiled once, literal bucket edges are checked and converted once.
    private func specialisedBody(_ spec: FunctionSpec, _ args: [CompiledNode], _ nodes: [ExpressionNode])
        throws(ExpressionTypeError) -> FunctionBody?
    {
        guard args.count >= 2, let constant = args[1].constant, !constant.isNull else { return nil }
        let offset = nodes[1].offset
        switch spec.name {
        case "matches":
            guard case .string(let source) = constant else { return nil }
            do {
                return .unary(RegexBuiltins.matchesLiteral(try RegexBuiltins.Pattern(source)))
            } catch {
                throw ExpressionTypeError(.invalidArgument, at: offset, "invalid regular expression \"\(source)\": \(error)")
            }
        case "bucketize":
            guard case .array(let items) = constant else { return nil }
            switch MLBuiltins.edges(items) {
            case .success(let edges):
                return .unary { x throws(RecordError) in try MLBuiltins.bucket(x, edges) }
            case .failure(let error):
                throw ExpressionTypeError(.invalidArgument, at: offset, error.message, hint: "edges look like [0, 10, 100]")
            }
        case "one_hot":
            guard case .array(let categories) = constant else { return nil }
            return .unary { x in MLBuiltins.oneHot(x, categories) }
        case "hash_bucket":
            guard let n = constant.asInt, n > 0 else {
                throw ExpressionTypeError(.invalidArgument, at: offset, "hash_bucket needs a positive whole number of buckets, got \(constant)")
            }
            return nil
        default:
            return nil
        }
    }
}
