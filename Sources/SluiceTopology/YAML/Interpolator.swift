/// Expands `${VAR}` and `${VAR:-default}` in one scalar from an injected environment; `$${` is a literal `${`.
///
/// `:-` follows the shell: an empty variable counts as unset and takes the default.
struct Interpolator {
    struct Failure: Error {
        var offset: Int
        var code: String
        var message: String
        var hint: String?
    }

    let environment: [String: String]

    func expand(_ text: String) -> Result<String, Failure> {
        guard text.contains("$") else { return .success(text) }
        let chars = Array(text)
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "$", i + 2 < chars.count, chars[i + 1] == "$", chars[i + 2] == "{" {
                out += "${"
                i += 3
                continue
            }
            guard c == "$", i + 1 < chars.count, chars[i + 1] == "{" else {
                out.append(c)
                i += 1
                continue
            }
            guard let close = chars[(i + 2)...].firstIndex(of: "}") else {
                return .failure(Failure(offset: i, code: DiagnosticCode.badInterpolation,
                                        message: "unterminated '${' in value", hint: "close it with '}' or write '$${' for a literal '${'"))
            }
            let body = String(chars[(i + 2)..<close])
            let name: String, fallback: String?
            if let r = body.range(of: ":-") {
                name = String(body[..<r.lowerBound])
                fallback = String(body[r.upperBound...])
            } else {
                name = body
                fallback = nil
            }
            guard Self.isValidName(name) else {
                return .failure(Failure(offset: i, code: DiagnosticCode.badInterpolation,
                                        message: "invalid variable name '\(name)' in '${\(body)}'",
                                        hint: "names are letters, digits and '_', not starting with a digit"))
            }
            if let value = environment[name], !(fallback != nil && value.isEmpty) {
                out += value
            } else if let fallback {
                out += fallback
            } else {
                return .failure(Failure(offset: i, code: DiagnosticCode.unsetVariable,
                                        message: "environment variable '\(name)' is not set",
                                        hint: "set \(name) or give a default: ${\(name):-value}"))
            }
            i = close + 1
        }
        return .success(out)
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic && first.isASCII else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || (48...57).contains($0.value)) }
    }
}
