import SluiceExpressions
import Testing

@Suite("Syntax errors")
struct SyntaxErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        var text: String
        var code: ExpressionSyntaxError.Code
        var offset: Int
        var hint: String?
        var description: String { text }
    }

    @Test(
        "errors point at the offending character with a hint",
        arguments: [
            Case(text: "", code: .emptyExpression, offset: 0),
            Case(text: "lg1p(amount)", code: .unknownFunction, offset: 0, hint: "did you mean 'log1p'?"),
            Case(text: "1 + hour_of_dy(ts)", code: .unknownFunction, offset: 4, hint: "did you mean 'hour_of_day'?"),
            Case(text: "(1 + 2", code: .unbalancedParentheses, offset: 0, hint: "add ')'"),
            Case(text: "1 + 2)", code: .unbalancedParentheses, offset: 5),
            Case(text: "log1p(amount", code: .unbalancedParentheses, offset: 5),
            Case(text: "log1p((amount)", code: .unbalancedParentheses, offset: 5),
            Case(text: "1 +", code: .unexpectedEnd, offset: 3),
            Case(text: "amount 5", code: .trailingInput, offset: 7, hint: "is an operator missing?"),
            Case(text: "a > 1 adn b", code: .trailingInput, offset: 6, hint: "did you mean 'and'?"),
            Case(text: "a = 1", code: .unexpectedCharacter, offset: 2, hint: "use '==' to compare"),
            Case(text: "a & b", code: .unexpectedCharacter, offset: 2, hint: "use 'and' or '&&'"),
            Case(text: "a $ b", code: .unexpectedCharacter, offset: 2),
            Case(text: "'abc", code: .unterminatedString, offset: 0),
            Case(text: "x == \"abc", code: .unterminatedString, offset: 5),
            Case(text: "'a\\qb'", code: .invalidEscape, offset: 2),
            Case(text: "`order id", code: .unterminatedString, offset: 0),
            Case(text: "ts + 5min", code: .invalidDuration, offset: 6),
            Case(text: "1.0001s", code: .invalidDuration, offset: 0),
            Case(text: "99999999999999999999", code: .invalidNumber, offset: 0),
            Case(text: "1 < x < 3", code: .chainedComparison, offset: 6, hint: "write 'a < b and b < c'"),
            Case(text: "if a then 1", code: .unexpectedEnd, offset: 11),
            Case(text: "if a 1 else 2", code: .unexpectedToken, offset: 5),
            Case(text: "a ? 1", code: .unexpectedEnd, offset: 5),
            Case(text: "[1, 2", code: .unexpectedEnd, offset: 0),
            Case(text: "[1 2]", code: .unexpectedToken, offset: 3),
            Case(text: "a.1", code: .unexpectedToken, offset: 2),
            Case(text: "* 2", code: .unexpectedToken, offset: 0),
            Case(text: "log(1,)", code: .unexpectedToken, offset: 6),
            Case(text: "é + ü +", code: .unexpectedEnd, offset: 7),
        ])
    func syntax(c: Case) throws {
        let error = try #require(syntaxError(c.text))
        #expect(error.code == c.code)
        #expect(error.offset == c.offset)
        if let hint = c.hint { #expect(error.hint == hint) }
    }

    @Test("the message names the unknown function")
    func message() throws {
        let error = try #require(syntaxError("lg1p(amount)"))
        #expect(error.message == "unknown function 'lg1p'")
        #expect(error.description == "UNKNOWN_FUNCTION at offset 0: unknown function 'lg1p' (did you mean 'log1p'?)")
    }
}
