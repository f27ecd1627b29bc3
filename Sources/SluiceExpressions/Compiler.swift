import SluiceCore

/// Evaluates one compiled node against a record.
typealias Evaluator = @Sendable (borrowing Record, borrowing EvaluationContext) throws(RecordError) -> Value

/// A node after type checking and code generation.
struct CompiledNode {
    var type: ValueType
    var eval: Evaluator
    /// The node's value when it does not depend on the record or the clock (constant folding).
    var constant: Value?
    /// Whether the node is the literal `null` (it fits any type and `== null` is reported).
    var isNullLiteral = false
    /// The field's dotted name when the node is a plain field reference; runtime type errors name it.
    var field: String?

    static func constant(_ v: Value, type: ValueType) -> CompiledNode {
        CompiledNode(type: type, eval: { _, _ in v }, constant: v, isNullLiteral: v.isNull)
    }
}

/// Type-checks an AST against an optional schema and turns it into a tree of closures,
/// folding every subtree that depends on neither the record nor the clock.
struct Compiler {
    let schema: [String: ValueType]?
    var referencedFields: Set<String> = []

    init(schema: [String: ValueType]?) { self.schema = schema }

    mutating func compile(_ node: ExpressionNode) throws(ExpressionTypeError) -> CompiledNode {
        switch node.kind {
        case .literal(let v):
            return .constant(v, type: ValueType(of: v) ?? .any)
        case .list(let items):
            return try compileList(items)
        case .field(let path):
            return try compileField(path, node)
        case .unary(let op, let operand):
            return try compileUnary(op, try compile(operand), node)
        case .binary(let op, let l, let r):
            return try compileBinary(op, try compile(l), try compile(r), node)
        case .conditional(let c, let a, let b):
            return try compileConditional(try compile(c), try compile(a), try compile(b), node)
        case .call(let name, let args):
            return try compileCall(name, args, node)
        }
    }

    /// Replaces `node` by its value when all of `inputs` are constants and evaluating succeeds.
    /// A constant subtree that fails (`1 / 0`) is left to fail at run time, where the dead-letter
    /// machinery reports it with the record.
    func folded(_ node: CompiledNode, inputs: [CompiledNode]) -> CompiledNode {
        guard inputs.allSatisfy({ $0.constant != nil }) else { return node }
        guard let v = try? node.eval(Record(), EvaluationContext(now: 0)) else { return node }
        return .constant(v, type: node.type)
    }

    /// The common type of branches: equal types stay, integer with number widens to number,
    /// anything else is `any`. The `null` literal fits every type and is skipped.
    static func unify(_ types: [ValueType]) -> ValueType {
        guard var result = types.first else { return .any }
        for t in types.dropFirst() where t != result {
            result = (t.isNumeric && result.isNumeric) ? .number : .any
        }
        return result
    }

    static func unify(_ nodes: [CompiledNode]) -> ValueType {
        unify(nodes.filter { !$0.isNullLiteral }.map(\.type))
    }

    private mutating func compileList(_ items: [ExpressionNode]) throws(ExpressionTypeError) -> CompiledNode {
        var compiled: [CompiledNode] = []
        for item in items { compiled.append(try compile(item)) }
        let evals = compiled.map(\.eval)
        let node = CompiledNode(type: .array) { r, c throws(RecordError) in
            var out: [Value] = []
            out.reserveCapacity(evals.count)
            for e in evals { out.append(try e(r, c)) }
            return .array(out)
        }
        return folded(node, inputs: compiled)
    }
}

extension CompiledNode {
    init(type: ValueType, eval: @escaping Evaluator) {
        self.init(type: type, eval: eval, constant: nil)
    }
}
