import SluiceCore

/// `matches(s, pattern)`: true when the pattern matches anywhere in `s` (anchor with `^…$` for a
/// whole-string match). Literal patterns are compiled once, when the expression is compiled.
enum RegexBuiltins {
    /// A compiled pattern. Regex values are immutable once built, so sharing one across threads is safe.
    struct Pattern: @unchecked Sendable {
        let regex: Regex<AnyRegexOutput>
        let source: String

        init(_ source: String) throws {
            self.regex = try Regex(source)
            self.source = source
        }

        func matches(_ s: String) -> Bool { s.contains(regex) }
    }

    static func matchesLiteral(_ pattern: Pattern) -> FunctionBody.Unary {
        { v in .bool(pattern.matches(v.asString!)) }
    }

    static let matchesDynamic: FunctionBody.Binary = { s, p throws(RecordError) in
        let source = p.asString!
        let pattern: Pattern
        do { pattern = try Pattern(source) } catch {
            throw RecordError(.expression, "invalid regular expression \"\(source)\": \(error)")
        }
        return .bool(pattern.matches(s.asString!))
    }
}
