/// A lexical token of the expression language, with its place in the text.
struct Token: Sendable, Equatable {
    var kind: TokenKind
    /// 0-based character offset of the token's first character.
    var offset: Int
    var length: Int
}

enum TokenKind: Sendable, Equatable {
    case integer(Int64)
    case decimal(Double)
    /// A duration literal, already in milliseconds.
    case duration(Int64)
    case string(String)
    case identifier(String)
    /// A backtick-quoted field name: `` `order id` ``.
    case quotedIdentifier(String)
    case keyword(Keyword)
    case symbol(Symbol)
    case end
}

enum Keyword: String, Sendable, CaseIterable {
    case and, or, not, `in`, `if`, then, `else`, `true`, `false`, null
}

enum Symbol: String, Sendable, CaseIterable {
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case comma = ",", dot = ".", question = "?", colon = ":", coalesce = "??"
    case plus = "+", minus = "-", star = "*", slash = "/", slashSlash = "//", percent = "%"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case andAnd = "&&", orOr = "||", bang = "!"
}

extension TokenKind {
    /// How the token reads in an error message.
    var display: String {
        switch self {
        case .integer(let i): "'\(i)'"
        case .decimal(let d): "'\(d)'"
        case .duration(let ms): "duration '\(ms)ms'"
        case .string(let s): "string \"\(s)\""
        case .identifier(let s): "'\(s)'"
        case .quotedIdentifier(let s): "'`\(s)`'"
        case .keyword(let k): "'\(k.rawValue)'"
        case .symbol(let s): "'\(s.rawValue)'"
        case .end: "the end of the expression"
        }
    }

    /// Whether the token can start an operand (used for "missing operator?" hints).
    var startsOperand: Bool {
        switch self {
        case .integer, .decimal, .duration, .string, .identifier, .quotedIdentifier: true
        case .keyword(let k): [.true, .false, .null, .if, .not].contains(k)
        case .symbol(let s): [.leftParen, .leftBracket, .minus, .bang].contains(s)
        case .end: false
        }
    }
}
