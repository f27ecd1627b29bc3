import Foundation
import SluiceCore

/// Reads one YAML mapping of the topology: reports unknown and duplicate keys up front, then hands out
/// typed values, reporting wrong types and missing required keys at their exact location.
final class MapReader {
    let mapping: YMapping
    /// Where the mapping sits, for messages: `operator 'score'`, `cluster.security`.
    let context: String
    let reporter: Reporter
    let baseDirectory: String
    private var entries: [String: YEntry] = [:]
    /// Keys suggested for misspelt ones: their absence is already explained by the typo.
    private var suggested = Set<String>()

    var location: SourceLocation { mapping.location }

    /// Opens `node` as a mapping with the given allowed keys; reports and returns `nil` if it is not one.
    static func open(_ node: YNode, context: String, allowed: [String], reporter: Reporter, baseDirectory: String) -> MapReader? {
        guard case .mapping(let m) = node else {
            reporter.error(DiagnosticCode.wrongType, at: node.location, "\(context) must be a mapping, found \(node.kindName)")
            return nil
        }
        return MapReader(m, context: context, allowed: allowed, reporter: reporter, baseDirectory: baseDirectory)
    }

    init(_ mapping: YMapping, context: String, allowed: [String]?, reporter: Reporter, baseDirectory: String) {
        self.mapping = mapping
        self.context = context
        self.reporter = reporter
        self.baseDirectory = baseDirectory
        for entry in mapping.entries {
            let name = entry.key.text
            if entries[name] != nil {
                reporter.error(DiagnosticCode.duplicateKey, at: entry.key.location, "duplicate key '\(name)' in \(context)",
                               hint: "a later value would silently replace the first; keep one")
                continue
            }
            if let allowed, !allowed.contains(name) {
                if let match = Suggest.closest(to: name, in: allowed) { suggested.insert(match) }
                reporter.error(DiagnosticCode.unknownKey, at: entry.key.location, "unknown key '\(name)' in \(context)",
                               hint: Suggest.hint(for: name, in: allowed))
                continue
            }
            entries[name] = entry
        }
    }

    /// The keys present, in file order (after dropping unknown and duplicate ones).
    var keys: [YScalar] { mapping.entries.map(\.key).filter { entries[$0.text]?.key.location == $0.location } }

    func has(_ key: String) -> Bool { node(key) != nil }

    /// The value of `key`; `nil` when absent or written as null/empty.
    func node(_ key: String) -> YNode? {
        guard let v = entries[key]?.value, !v.isNull else { return nil }
        return v
    }

    func keyLocation(_ key: String) -> SourceLocation { entries[key]?.key.location ?? mapping.location }

    func missing(_ key: String, hint: String? = nil) {
        if suggested.contains(key) { return }
        reporter.error(DiagnosticCode.missingKey, at: mapping.location, "missing required key '\(key)' in \(context)", hint: hint)
    }

    private func typeError(_ key: String, _ node: YNode, expected: String, hint: String? = nil) {
        reporter.error(DiagnosticCode.wrongType, at: node.location,
                       "'\(key)' in \(context) must be \(expected), found \(node.kindName)", hint: hint)
    }

    func scalar(_ key: String, required: Bool = false) -> YScalar? {
        guard let n = node(key) else {
            if required { missing(key) }
            return nil
        }
        guard case .scalar(let s) = n else {
            typeError(key, n, expected: "a single value")
            return nil
        }
        return s
    }

    func string(_ key: String, required: Bool = false) -> Located<String>? {
        guard let s = scalar(key, required: required) else { return nil }
        return Located(s.text, at: s.location)
    }

    func int(_ key: String, required: Bool = false, min lower: Int = Int.min) -> Int? {
        guard let s = scalar(key, required: required) else { return nil }
        guard case .int(let i) = s.resolved, let v = Int(exactly: i) else {
            typeError(key, .scalar(s), expected: "an integer")
            return nil
        }
        guard v >= lower else {
            reporter.error(DiagnosticCode.invalidValue, at: s.location, "'\(key)' in \(context) must be at least \(lower), found \(v)")
            return nil
        }
        return v
    }

    func double(_ key: String, required: Bool = false, in range: ClosedRange<Double>? = nil) -> Double? {
        guard let s = scalar(key, required: required) else { return nil }
        let value: Double
        switch s.resolved {
        case .int(let i): value = Double(i)
        case .double(let d): value = d
        default:
            typeError(key, .scalar(s), expected: "a number")
            return nil
        }
        if let range, !range.contains(value) {
            reporter.error(DiagnosticCode.invalidValue, at: s.location,
                           "'\(key)' in \(context) must be between \(range.lowerBound) and \(range.upperBound), found \(s.text)")
            return nil
        }
        return value
    }

    func bool(_ key: String) -> Bool? {
        guard let s = scalar(key) else { return nil }
        guard case .bool(let b) = s.resolved else {
            typeError(key, .scalar(s), expected: "true or false")
            return nil
        }
        return b
    }

    /// A duration in milliseconds (`500ms`, `10s`, `1h30m`).
    func duration(_ key: String, required: Bool = false, positive: Bool = true) -> Int64? {
        guard let s = scalar(key, required: required) else { return nil }
        guard let ms = Durations.milliseconds(s.text) else {
            reporter.error(DiagnosticCode.wrongType, at: s.location, "'\(key)' in \(context) must be a duration, found '\(s.text)'",
                           hint: "write a number with a unit: 500ms, 10s, 5m, 1h, 7d or combinations like 1h30m")
            return nil
        }
        if positive, ms == 0 {
            reporter.error(DiagnosticCode.invalidValue, at: s.location, "'\(key)' in \(context) must be longer than zero")
            return nil
        }
        return ms
    }

    /// One of a fixed set of words; the message lists them and suggests the closest.
    func choice<E: RawRepresentable & CaseIterable>(_ key: String, required: Bool = false) -> E? where E.RawValue == String {
        guard let s = scalar(key, required: required) else { return nil }
        return MapReader.choice(s, key: key, context: context, reporter: reporter)
    }

    static func choice<E: RawRepresentable & CaseIterable>(_ s: YScalar, key: String, context: String, reporter: Reporter) -> E?
    where E.RawValue == String {
        if let e = E(rawValue: s.text) { return e }
        if let e = E.allCases.first(where: { $0.rawValue.lowercased() == s.text.lowercased() }) { return e }
        let allowed = E.allCases.map(\.rawValue)
        let hint = Suggest.closest(to: s.text, in: allowed).map { "did you mean '\($0)'?" }
        reporter.error(DiagnosticCode.invalidValue, at: s.location,
                       "invalid \(key) '\(s.text)' in \(context); expected one of: \(allowed.joined(separator: ", "))", hint: hint)
        return nil
    }

    /// A list of words; a single scalar counts as a list of one.
    func stringList(_ key: String, required: Bool = false) -> [Located<String>]? {
        guard let n = node(key) else {
            if required { missing(key) }
            return nil
        }
        switch n {
        case .scalar(let s): return [Located(s.text, at: s.location)]
        case .sequence(let items, _):
            var out: [Located<String>] = []
            for item in items {
                guard case .scalar(let s) = item, !s.isNull else {
                    typeError(key, item, expected: "a list of names")
                    continue
                }
                out.append(Located(s.text, at: s.location))
            }
            return out
        case .mapping: typeError(key, n, expected: "a list"); return nil
        }
    }

    func expression(_ key: String, required: Bool = false) -> Expression? {
        guard let s = scalar(key, required: required) else { return nil }
        return Expression(s.text, at: s.location)
    }

    /// A file or directory path, resolved against the topology file's directory.
    func path(_ key: String, required: Bool = false) -> Located<String>? {
        guard let s = string(key, required: required) else { return nil }
        return Located(resolvePath(s.value), at: s.location)
    }

    func resolvePath(_ p: String) -> String {
        let expanded = (p as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
        return ((baseDirectory as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
    }

    /// A nested mapping with its own allowed keys.
    func mapping(_ key: String, context sub: String? = nil, allowed: [String], required: Bool = false) -> MapReader? {
        guard let n = node(key) else {
            if required { missing(key) }
            return nil
        }
        return MapReader.open(n, context: sub ?? "'\(key)' of \(context)", allowed: allowed, reporter: reporter, baseDirectory: baseDirectory)
    }

    /// A nested mapping whose keys are user-chosen names (fields, routes, aggregates), in file order.
    func namedEntries(_ key: String, required: Bool = false) -> [(name: YScalar, value: YNode)]? {
        guard let n = node(key) else {
            if required { missing(key) }
            return nil
        }
        guard case .mapping(let m) = n else {
            typeError(key, n, expected: "a mapping of names")
            return nil
        }
        var seen = Set<String>()
        var out: [(name: YScalar, value: YNode)] = []
        for e in m.entries {
            guard seen.insert(e.key.text).inserted else {
                reporter.error(DiagnosticCode.duplicateKey, at: e.key.location, "duplicate name '\(e.key.text)' in '\(key)' of \(context)")
                continue
            }
            out.append((e.key, e.value))
        }
        return out
    }

    func child(_ node: YNode, context sub: String, allowed: [String]) -> MapReader? {
        MapReader.open(node, context: sub, allowed: allowed, reporter: reporter, baseDirectory: baseDirectory)
    }
}
