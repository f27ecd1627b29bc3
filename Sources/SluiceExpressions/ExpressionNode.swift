public import SluiceCore

/// A node of a parsed expression, with where it sits in the source text.
public struct ExpressionNode: Sendable, Hashable, CustomStringConvertible {
    public indirect enum Kind: Sendable, Hashable {
        case literal(Value)
        case list([ExpressionNode])
        /// A field reference; more than one segment for a dotted path `a.b`.
        case field(path: [String])
        case unary(UnaryOperator, ExpressionNode)
        case binary(BinaryOperator, ExpressionNode, ExpressionNode)
        /// `if c then a else b` and `c ? a : b`.
        case conditional(ExpressionNode, then: ExpressionNode, else: ExpressionNode)
        case call(name: String, arguments: [ExpressionNode])
    }

    public var kind: Kind
    /// 0-based character offset where the node's text starts.
    public var offset: Int
    /// Length of the node's text in characters.
    public var length: Int
    /// Where errors about this node point: the operator of a unary or binary node, the name of a call,
    /// the start of anything else.
    public var anchor: Int
    /// Height of the tree below this node (1 for a leaf); bounded by the parser's depth limit.
    var height: Int

    init(_ kind: Kind, offset: Int, length: Int, anchor: Int? = nil) {
        self.kind = kind
        self.offset = offset
        self.length = length
        self.anchor = anchor ?? offset
        self.height = 1 + kind.children.map(\.height).max(or: 0)
    }

    /// The dotted name of a field reference, as `referencedFields` reports it.
    var fieldName: String? {
        if case .field(let path) = kind { return path.joined(separator: ".") }
        return nil
    }

    /// A fully parenthesised rendering, which shows how precedence grouped the expression.
    public var description: String {
        switch kind {
        case .literal(let v): v.description
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .field(let path):
            path.map { $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? $0 : "`\($0)`" }
                .joined(separator: ".")
        case .unary(let op, let x): "(\(op.rawValue)\(op == .not ? " " : "")\(x))"
        case .binary(let op, let l, let r): "(\(l) \(op.rawValue) \(r))"
        case .conditional(let c, let a, let b): "(if \(c) then \(a) else \(b))"
        case .call(let name, let args): "\(name)(" + args.map(\.description).joined(separator: ", ") + ")"
        }
    }
}

extension ExpressionNode.Kind {
    var children: [ExpressionNode] {
        switch self {
        case .literal, .field: []
        case .list(let items): items
        case .unary(_, let x): [x]
        case .binary(_, let l, let r): [l, r]
        case .conditional(let c, let a, let b): [c, a, b]
        case .call(_, let args): args
        }
    }
}

extension Sequence where Element == Int {
    fileprivate func max(or fallback: Int) -> Int { self.max() ?? fallback }
}

public enum UnaryOperator: String, Sendable, Hashable {
    case negate = "-"
    case not = "not"
}

public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and = "and", or = "or", coalesce = "??", `in` = "in", notIn = "not in"

    var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .in, .notIn: true
        default: false
        }
    }
    var isArithmetic: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide, .floorDivide, .modulo: true
        default: false
        }
    }
}
