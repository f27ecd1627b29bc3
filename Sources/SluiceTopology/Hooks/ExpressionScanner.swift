/// A light lexical check of expressions, used by `DefaultValidationHooks`: finds the field names an
/// expression reads and catches unbalanced brackets, unterminated strings and stray characters.
enum ExpressionScanner {
    static let keywords: Set<String> = ["and", "or", "not", "true", "false", "null", "in", "if", "then", "else", "is"]

    static func scan(_ text: String) -> ExpressionCheck {
        let s = Array(text.unicodeScalars)
        var fields = Set<String>()
        var issues: [ExpressionCheck.Issue] = []
        var stack: [(Unicode.Scalar, Int)] = []
        var i = 0
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            return ExpressionCheck(referencedFields: [], errors: [.init(offset: 0, message: "empty expression")])
        }
        func isIdentStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.isASCII && c.properties.isAlphabetic) }
        func isIdent(_ c: Unicode.Scalar) -> Bool { isIdentStart(c) || (48...57).contains(c.value) }
        while i < s.count {
            let c = s[i]
            if c == "\"" || c == "'" {
                let start = i
                i += 1
                while i < s.count, s[i] != c { i += s[i] == "\\" ? 2 : 1 }
                if i >= s.count { issues.append(.init(offset: start, message: "unterminated string literal", hint: "close it with \(c)")) }
                i += 1
            } else if (48...57).contains(c.value) {
                // Numbers and duration literals such as 60s or 1.5e3.
                while i < s.count, isIdent(s[i]) || s[i] == "." { i += 1 }
            } else if isIdentStart(c) || c == "`" {
                let start = i
                var name = ""
                if c == "`" {
                    i += 1
                    while i < s.count, s[i] != "`" { name.unicodeScalars.append(s[i]); i += 1 }
                    if i >= s.count { issues.append(.init(offset: start, message: "unterminated `quoted` field name")) }
                    i += 1
                } else {
                    while i < s.count, isIdent(s[i]) || s[i] == "." { name.unicodeScalars.append(s[i]); i += 1 }
                }
                var j = i
                while j < s.count, s[j] == " " { j += 1 }
                let isCall = j < s.count && s[j] == "(" && c != "`"
                let root = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
                if !isCall, !keywords.contains(root.lowercased()), !root.isEmpty { fields.insert(root) }
            } else if "([{".unicodeScalars.contains(c) {
                stack.append((c, i)); i += 1
            } else if ")]}".unicodeScalars.contains(c) {
                let open: Unicode.Scalar = c == ")" ? "(" : c == "]" ? "[" : "{"
                if let last = stack.last, last.0 == open { stack.removeLast() } else {
                    issues.append(.init(offset: i, message: "unexpected '\(c)'", hint: "brackets do not balance"))
                }
                i += 1
            } else if " \t\n+-*/%<>=!&|,:?^.".unicodeScalars.contains(c) {
                i += 1
            } else {
                issues.append(.init(offset: i, message: "unexpected character '\(c)'"))
                i += 1
            }
        }
        for (c, at) in stack { issues.append(.init(offset: at, message: "'\(c)' is never closed")) }
        return ExpressionCheck(referencedFields: fields, errors: issues)
    }
}

import Foundation
