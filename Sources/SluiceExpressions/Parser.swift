import SluiceCore

/// A Pratt parser from tokens to `ExpressionNode`s.
///
/// Binding powers, loosest first: `?:` 10 (right), `or` 20, `and` 30, prefix `not` 40,
/// comparisons and `in` 50 (non-associative), `??` 60 (right), `+ -` 70, `* / // %` 80,
/// prefix `-` and `!` 90. `if … then … else …` is a prefix form whose branches extend as far right
/// as possible. Nesting is limited to `maxDepth` levels so hostile input cannot overflow the stack.
struct Parser {
    static let maxDepth = 256

    private let tokens: [Token]
    private var pos = 0

    init(tokens: [Token]) { self.tokens = tokens }

    static func parse(_ text: String) throws(ExpressionSyntaxError) -> ExpressionNode {
        var parser = Parser(tokens: try Lexer.tokenize(text))
        if parser.current.kind == .end {
            throw ExpressionSyntaxError(.emptyExpression, at: 0, "the expression is empty")
        }
        let root = try parser.expression(0, depth: 1)
        try parser.expectEnd()
        return root
    }

    private var current: Token { tokens[pos] }
    private func peek(_ ahead: Int) -> Token { tokens[min(pos + ahead, tokens.count - 1)] }
    private mutating func advance() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    private func tooDeep(_ offset: Int) -> ExpressionSyntaxError {
        ExpressionSyntaxError(
            .tooDeep, at: offset, "expression nests more than \(Parser.maxDepth) levels deep",
            hint: "split it into several derived fields")
    }

    private func node(_ kind: ExpressionNode.Kind, from start: Int, anchor: Int? = nil) throws(ExpressionSyntaxError)
        -> ExpressionNode
    {
        let previous = tokens[max(pos - 1, 0)]
        let n = ExpressionNode(kind, offset: start, length: previous.offset + previous.length - start, anchor: anchor)
        if n.height > Parser.maxDepth { throw tooDeep(n.anchor) }
        return n
    }

    // MARK: Infix loop

    private struct Infix {
        var op: BinaryOperator?  // nil for the ternary `?`
        var left: Int
        var right: Int
        var tokenCount: Int
    }

    private func infix() -> Infix? {
        switch current.kind {
        case .symbol(let s):
            switch s {
            case .question: Infix(op: nil, left: 10, right: 9, tokenCount: 1)
            case .orOr: Infix(op: .or, left: 20, right: 20, tokenCount: 1)
            case .andAnd: Infix(op: .and, left: 30, right: 30, tokenCount: 1)
            case .equal: Infix(op: .equal, left: 50, right: 50, tokenCount: 1)
            case .notEqual: Infix(op: .notEqual, left: 50, right: 50, tokenCount: 1)
            case .less: Infix(op: .less, left: 50, right: 50, tokenCount: 1)
            case .lessEqual: Infix(op: .lessEqual, left: 50, right: 50, tokenCount: 1)
            case .greater: Infix(op: .greater, left: 50, right: 50, tokenCount: 1)
            case .greaterEqual: Infix(op: .greaterEqual, left: 50, right: 50, tokenCount: 1)
            case .coalesce: Infix(op: .coalesce, left: 60, right: 59, tokenCount: 1)
            case .plus: Infix(op: .add, left: 70, right: 70, tokenCount: 1)
            case .minus: Infix(op: .subtract, left: 70, right: 70, tokenCount: 1)
            case .star: Infix(op: .multiply, left: 80, right: 80, tokenCount: 1)
            case .slash: Infix(op: .divide, left: 80, right: 80, tokenCount: 1)
            case .slashSlash: Infix(op: .floorDivide, left: 80, right: 80, tokenCount: 1)
            case .percent: Infix(op: .modulo, left: 80, right: 80, tokenCount: 1)
            default: nil
            }
        case .keyword(.or): Infix(op: .or, left: 20, right: 20, tokenCount: 1)
        case .keyword(.and): Infix(op: .and, left: 30, right: 30, tokenCount: 1)
        case .keyword(.in): Infix(op: .in, left: 50, right: 50, tokenCount: 1)
        case .keyword(.not) where peek(1).kind == .keyword(.in): Infix(op: .notIn, left: 50, right: 50, tokenCount: 2)
        default: nil
        }
    }

    private mutating func expression(_ minBP: Int, depth: Int) throws(ExpressionSyntaxError) -> ExpressionNode {
        if depth > Parser.maxDepth { throw tooDeep(current.offset) }
        let start = current.offset
        var left = try prefix(depth: depth)
        var lastWasComparison = false
        while let infix = infix(), infix.left > minBP {
            let opToken = current
            let isComparison = infix.op?.isComparison ?? false
            if isComparison && lastWasComparison {
                throw ExpressionSyntaxError(
                    .chainedComparison, at: opToken.offset, "comparisons cannot be chained",
                    hint: "write 'a < b and b < c'")
            }
            lastWasComparison = isComparison
            for _ in 0..<infix.tokenCount { _ = advance() }
            if let op = infix.op {
                let right = try expression(infix.right, depth: depth + 1)
                left = try node(.binary(op, left, right), from: start, anchor: opToken.offset)
            } else {
                let whenTrue = try expression(0, depth: depth + 1)
                try expect(.symbol(.colon), "':' of 'c ? a : b'", opener: opToken)
                let whenFalse = try expression(infix.right, depth: depth + 1)
                left = try node(.conditional(left, then: whenTrue, else: whenFalse), from: start, anchor: opToken.offset)
            }
        }
        return left
    }

    private mutating func expect(_ kind: TokenKind, _ what: String, opener: Token) throws(ExpressionSyntaxError) {
        if current.kind == kind { _ = advance(); return }
        if kind == .symbol(.rightParen) && current.kind == .end {
            throw ExpressionSyntaxError(
                .unbalancedParentheses, at: opener.offset, "'(' at offset \(opener.offset) is never closed", hint: "add ')'")
        }
        throw ExpressionSyntaxError(
            current.kind == .end ? .unexpectedEnd : .unexpectedToken, at: current.offset,
            "expected \(what), found \(current.kind.display)",
            hint: current.kind.startsOperand ? "is an operator or a comma missing?" : nil)
    }

    private func expectEnd() throws(ExpressionSyntaxError) {
        let t = current
        switch t.kind {
        case .end: return
        case .symbol(.rightParen):
            throw ExpressionSyntaxError(.unbalancedParentheses, at: t.offset, "')' has no matching '('", hint: "remove it or add '('")
        case .identifier(let word):
            let hint = Suggestion.closest(to: word, in: ["and", "or", "in", "not"]).map { "did you mean '\($0)'?" }
            throw ExpressionSyntaxError(.trailingInput, at: t.offset, "unexpected \(t.kind.display) after a complete expression",
                hint: hint ?? "is an operator missing?")
        default:
            throw ExpressionSyntaxError(.trailingInput, at: t.offset, "unexpected \(t.kind.display) after a complete expression",
                hint: t.kind.startsOperand ? "is an operator missing?" : nil)
        }
    }

    // MARK: Prefix forms

    private mutating func prefix(depth: Int) throws(ExpressionSyntaxError) -> ExpressionNode {
        let t = advance()
        switch t.kind {
        case .integer(let v): return try node(.literal(.int(v)), from: t.offset)
        case .duration(let v): return try node(.literal(.int(v)), from: t.offset)
        case .decimal(let v): return try node(.literal(.double(v)), from: t.offset)
        case .string(let s): return try node(.literal(.string(s)), from: t.offset)
        case .keyword(.true): return try node(.literal(.bool(true)), from: t.offset)
        case .keyword(.false): return try node(.literal(.bool(false)), from: t.offset)
        case .keyword(.null): return try node(.literal(.null), from: t.offset)
        case .symbol(.minus):
            return try node(.unary(.negate, try expression(89, depth: depth + 1)), from: t.offset)
        case .symbol(.bang):
            return try node(.unary(.not, try expression(89, depth: depth + 1)), from: t.offset)
        case .keyword(.not):
            return try node(.unary(.not, try expression(40, depth: depth + 1)), from: t.offset)
        case .symbol(.leftParen):
            let inner = try expression(0, depth: depth + 1)
            try expect(.symbol(.rightParen), "')'", opener: t)
            return inner
        case .symbol(.leftBracket):
            let items = try sequence(closing: .rightBracket, opener: t, depth: depth)
            return try node(.list(items), from: t.offset)
        case .keyword(.if):
            let c = try expression(0, depth: depth + 1)
            try expect(.keyword(.then), "'then'", opener: t)
            let a = try expression(0, depth: depth + 1)
            try expect(.keyword(.else), "'else' (every 'if' needs one)", opener: t)
            let b = try expression(0, depth: depth + 1)
            return try node(.conditional(c, then: a, else: b), from: t.offset)
        case .identifier(let name) where current.kind == .symbol(.leftParen):
            guard FunctionCatalog.spec(named: name) != nil else {
                let hint = Suggestion.closest(to: name, in: FunctionCatalog.names).map { "did you mean '\($0)'?" }
                throw ExpressionSyntaxError(.unknownFunction, at: t.offset, "unknown function '\(name)'",
                    hint: hint ?? "see docs/expressions.md for the function list")
            }
            let open = advance()
            let args = try sequence(closing: .rightParen, opener: open, depth: depth)
            return try node(.call(name: name, arguments: args), from: t.offset)
        case .identifier(let name): return try fieldPath(first: name, start: t.offset)
        case .quotedIdentifier(let name): return try fieldPath(first: name, start: t.offset)
        case .end:
            throw ExpressionSyntaxError(.unexpectedEnd, at: t.offset, "the expression ends where a value was expected")
        default:
            throw ExpressionSyntaxError(.unexpectedToken, at: t.offset, "expected a value, found \(t.kind.display)")
        }
    }

    private mutating func fieldPath(first: String, start: Int) throws(ExpressionSyntaxError) -> ExpressionNode {
        var path = [first]
        while current.kind == .symbol(.dot) {
            _ = advance()
            let segment = advance()
            switch segment.kind {
            case .identifier(let s), .quotedIdentifier(let s): path.append(s)
            case .keyword(let k): path.append(k.rawValue)
            default:
                throw ExpressionSyntaxError(.unexpectedToken, at: segment.offset,
                    "expected a field name after '.', found \(segment.kind.display)")
            }
        }
        return try node(.field(path: path), from: start)
    }

    /// Comma-separated operands up to `closing`; used by lists and calls.
    private mutating func sequence(closing: Symbol, opener: Token, depth: Int) throws(ExpressionSyntaxError) -> [ExpressionNode] {
        var items: [ExpressionNode] = []
        if current.kind == .symbol(closing) { _ = advance(); return items }
        while true {
            items.append(try expression(0, depth: depth + 1))
            if current.kind == .symbol(.comma) { _ = advance(); continue }
            if closing == .rightParen {
                try expect(.symbol(.rightParen), "',' or ')'", opener: opener)
            } else if current.kind == .end {
                throw ExpressionSyntaxError(.unexpectedEnd, at: opener.offset, "'[' at offset \(opener.offset) is never closed",
                    hint: "add ']'")
            } else {
                try expect(.symbol(closing), "',' or '\(closing.rawValue)'", opener: opener)
            }
            return items
        }
    }
}
