/// Splits expression text into tokens. Offsets are counted in Characters, as editors count columns.
struct Lexer {
    private let chars: [Character]
    private var i = 0

    init(_ text: String) { chars = Array(text) }

    /// Milliseconds per duration unit.
    static let durationUnits: [String: Int64] = ["ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000]

    static func tokenize(_ text: String) throws(ExpressionSyntaxError) -> [Token] {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ ahead: Int = 0) -> Character? { i + ahead < chars.count ? chars[i + ahead] : nil }

    private mutating func next() throws(ExpressionSyntaxError) -> Token {
        while let c = peek(), c.isWhitespace { i += 1 }
        let start = i
        guard let c = peek() else { return Token(kind: .end, offset: i, length: 0) }
        let kind: TokenKind
        if c.isASCII && c.isNumber {
            kind = try number()
        } else if c.isLetter || c == "_" {
            while let d = peek(), d.isLetter || d.isNumber || d == "_" { i += 1 }
            let word = String(chars[start..<i])
            kind = Keyword(rawValue: word).map(TokenKind.keyword) ?? .identifier(word)
        } else if c == "\"" || c == "'" {
            kind = .string(try string(quote: c))
        } else if c == "`" {
            kind = .quotedIdentifier(try quotedName())
        } else {
            kind = .symbol(try symbol(c))
        }
        return Token(kind: kind, offset: start, length: i - start)
    }

    private mutating func symbol(_ c: Character) throws(ExpressionSyntaxError) -> Symbol {
        let pair = peek(1).map { String([c, $0]) } ?? ""
        if let s = Symbol(rawValue: pair), pair.count == 2 {
            i += 2
            return s
        }
        if let s = Symbol(rawValue: String(c)) {
            i += 1
            return s
        }
        let hint: String? = switch c {
        case "=": "use '==' to compare"
        case "&": "use 'and' or '&&'"
        case "|": "use 'or' or '||'"
        default: nil
        }
        throw ExpressionSyntaxError(.unexpectedCharacter, at: i, "unexpected character '\(c)'", hint: hint)
    }

    private mutating func digits() -> String {
        var text = ""
        while let d = peek(), (d.isASCII && d.isNumber) || (d == "_" && !text.isEmpty) {
            if d != "_" { text.append(d) }
            i += 1
        }
        return text
    }

    private mutating func number() throws(ExpressionSyntaxError) -> TokenKind {
        let start = i
        var text = digits()
        var isDecimal = false
        if peek() == ".", let d = peek(1), d.isASCII && d.isNumber {
            i += 1
            text += "." + digits()
            isDecimal = true
        }
        if let e = peek(), e == "e" || e == "E",
            let d = peek(1), (d.isASCII && d.isNumber) || ((d == "+" || d == "-") && (peek(2)?.isNumber ?? false))
        {
            i += 1
            text.append("e")
            if peek() == "+" || peek() == "-" { text.append(peek()!); i += 1 }
            text += digits()
            isDecimal = true
        }
        if let u = peek(), u.isLetter {
            let unitStart = i
            while let d = peek(), d.isLetter { i += 1 }
            let unit = String(chars[unitStart..<i])
            guard let factor = Lexer.durationUnits[unit] else {
                throw ExpressionSyntaxError(
                    .invalidDuration, at: unitStart, "unknown duration unit '\(unit)'",
                    hint: "durations use ms, s, m, h or d, e.g. 500ms or 5m")
            }
            let ms = (Double(text) ?? .nan) * Double(factor)
            guard ms.isFinite, ms.rounded() == ms, abs(ms) < 9.2e18 else {
                throw ExpressionSyntaxError(
                    .invalidDuration, at: start, "duration '\(text)\(unit)' is not a whole number of milliseconds")
            }
            return .duration(Int64(ms))
        }
        if !isDecimal {
            if let v = Int64(text) { return .integer(v) }
            throw ExpressionSyntaxError(
                .invalidNumber, at: start, "integer literal \(text) does not fit in 64 bits",
                hint: "write it as a decimal, e.g. \(text).0")
        }
        guard let v = Double(text), v.isFinite else {
            throw ExpressionSyntaxError(.invalidNumber, at: start, "number literal \(text) is out of range")
        }
        return .decimal(v)
    }

    private mutating func string(quote: Character) throws(ExpressionSyntaxError) -> String {
        let start = i
        i += 1
        var out = ""
        while let c = peek() {
            i += 1
            if c == quote { return out }
            guard c == "\\" else { out.append(c); continue }
            guard let e = peek() else { break }
            i += 1
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "0": out.append("\0")
            case "\\", "\"", "'": out.append(e)
            case "u": out.append(try unicodeEscape(backslashAt: i - 2))
            default:
                throw ExpressionSyntaxError(
                    .invalidEscape, at: i - 2, "unknown escape '\\\(e)'",
                    hint: "escapes are \\n \\t \\r \\0 \\\\ \\\" \\' and \\u{XXXX}")
            }
        }
        throw ExpressionSyntaxError(
            .unterminatedString, at: start, "string is never closed", hint: "add a closing \(quote)")
    }

    private mutating func unicodeEscape(backslashAt: Int) throws(ExpressionSyntaxError) -> Character {
        guard peek() == "{" else {
            throw ExpressionSyntaxError(.invalidEscape, at: backslashAt, "\\u must be followed by {hex digits}")
        }
        i += 1
        var hex = ""
        while let h = peek(), h != "}" { hex.append(h); i += 1 }
        guard peek() == "}", let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
            throw ExpressionSyntaxError(.invalidEscape, at: backslashAt, "invalid unicode escape \\u{\(hex)}")
        }
        i += 1
        return Character(scalar)
    }

    private mutating func quotedName() throws(ExpressionSyntaxError) -> String {
        let start = i
        i += 1
        var name = ""
        while let c = peek() {
            i += 1
            if c == "`" {
                guard !name.isEmpty else {
                    throw ExpressionSyntaxError(.unexpectedToken, at: start, "empty field name ``")
                }
                return name
            }
            name.append(c)
        }
        throw ExpressionSyntaxError(.unterminatedString, at: start, "quoted field name is never closed", hint: "add a closing `")
    }
}
