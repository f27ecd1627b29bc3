import SluiceCore
import Yams

/// Turns YAML text into a located `YNode` tree, expanding `${…}` in scalar values.
struct YAMLLoader {
    let file: String
    let interpolator: Interpolator
    let reporter: Reporter

    /// The root node, or `nil` after reporting a syntax error.
    func load(_ text: String) -> YNode? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            reportSyntax(error)
            return nil
        } catch {
            reporter.error(DiagnosticCode.yamlSyntax, at: SourceLocation(file: file, line: 1, column: 1), "cannot parse YAML: \(error)")
            return nil
        }
        guard let root else {
            reporter.error(DiagnosticCode.yamlSyntax, at: SourceLocation(file: file, line: 1, column: 1), "the topology file is empty")
            return nil
        }
        return convert(root, isKey: false)
    }

    private func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private func convert(_ node: Node, isKey: Bool) -> YNode {
        switch node {
        case .scalar(let s):
            return .scalar(scalar(s, isKey: isKey))
        case .mapping(let m):
            let entries = m.map { pair -> YEntry in
                let key: YScalar
                if case .scalar(let ks) = pair.key {
                    key = scalar(ks, isKey: true)
                } else {
                    reporter.error(DiagnosticCode.wrongType, at: location(pair.key.mark), "mapping keys must be plain names")
                    key = YScalar(text: "?", location: location(pair.key.mark), resolved: .string("?"), isPlain: true)
                }
                return YEntry(key: key, value: convert(pair.value, isKey: false))
            }
            return .mapping(YMapping(entries: entries, location: location(m.mark)))
        case .sequence(let s):
            return .sequence(s.map { convert($0, isKey: false) }, location(s.mark))
        }
    }

    private func scalar(_ s: Node.Scalar, isKey: Bool) -> YScalar {
        let quoted = s.style == .singleQuoted || s.style == .doubleQuoted
        let plain = s.style == .plain || s.style == .any
        let start = location(s.mark).advanced(by: quoted ? 1 : 0)
        var text = s.string
        var interpolated = false
        if !isKey, text.contains("${") {
            interpolated = true
            switch interpolator.expand(text) {
            case .success(let expanded): text = expanded
            case .failure(let f):
                reporter.error(f.code, at: start.advanced(by: f.offset), f.message, hint: f.hint)
            }
        }
        // A non-default tag (`!!str 10`) pins the type as YAML intends. A quoted `"${N:-3}"` (quotes are
        // needed inside flow mappings) is typed by what it expands to, like a plain scalar.
        let resolved: YScalar.Resolved = s.tag.description == "tag:yaml.org,2002:str" && !interpolated
            ? .string(text) : YScalar.resolve(text, plain: plain || interpolated)
        return YScalar(text: text, location: start, resolved: resolved, isPlain: plain)
    }

    private func reportSyntax(_ error: YamlError) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let hint = context.map { "\($0.text) at \($0.mark.line):\($0.mark.column)" }
            reporter.error(DiagnosticCode.yamlSyntax, at: location(mark), problem, hint: hint)
        case .reader(let problem, _, _, _):
            reporter.error(DiagnosticCode.yamlSyntax, at: location(nil), problem)
        default:
            reporter.error(DiagnosticCode.yamlSyntax, at: location(nil), "\(error)")
        }
    }
}
