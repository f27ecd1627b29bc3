import Foundation
import SluiceCore

/// An operator entry as declared, kept even when its body is invalid so references to it still resolve.
struct DeclaredOperator {
    var id: Located<String>
    var kind: OperatorKind?
    /// Route branch names, when `kind == .route`.
    var branches: [String]
}

extension TopologyParser {
    static let operatorKeys: [OperatorKind: [String]] = [
        .validate: ["fields", "schema_file", "rules", "freshness", "dead_letter", "additional_fields"],
        .map: ["set", "derive", "drop", "keep"],
        .filter: ["where"],
        .route: ["routes", "default"],
        .dedupe: ["key", "by", "ttl"],
        .features: ["key", "derive", "aggregate", "emit", "late", "include_current"],
        .infer: ["model", "features", "output", "batch", "rollout", "control_topic"],
        .join: ["left", "right", "on", "within", "ttl", "emit"],
        .drift: ["reference", "features", "window", "tests", "drift_share", "prediction", "performance", "report", "on_drift"],
    ]

    func operators(_ node: YNode) -> (operators: [Operator], declared: [DeclaredOperator]) {
        guard case .sequence(let items, _) = node else {
            reporter.error(DiagnosticCode.wrongType, at: node.location, "'operators' must be a list, found \(node.kindName)",
                           hint: "operators:\n  - id: valid\n    type: validate\n    input: events")
            return ([], [])
        }
        var ops: [Operator] = [], declared: [DeclaredOperator] = []
        for (index, item) in items.enumerated() {
            guard case .mapping(let map) = item else {
                reporter.error(DiagnosticCode.wrongType, at: item.location, "operators[\(index)] must be a mapping, found \(item.kindName)")
                continue
            }
            let idEntry = map.entries.first { $0.key.text == "id" }?.value
            let idText: String? = if case .scalar(let s)? = idEntry, !s.isNull { s.text } else { nil }
            let context = idText.map { "operator '\($0)'" } ?? "operators[\(index)]"
            let typeEntry = map.entries.first { $0.key.text == "type" }?.value
            var kind: OperatorKind?
            if case .scalar(let s)? = typeEntry, !s.isNull {
                kind = MapReader.choice(s, key: "operator type", context: context, reporter: reporter)
            } else if let typeEntry {
                reporter.error(DiagnosticCode.wrongType, at: typeEntry.location, "'type' in \(context) must be an operator type, found \(typeEntry.kindName)")
            } else {
                reporter.error(DiagnosticCode.missingKey, at: map.location, "missing required key 'type' in \(context)",
                               hint: "one of: " + OperatorKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let inputKeys = kind == .join ? [] : ["input"]
            let allowed = ["id", "type", "description"] + inputKeys + (kind.flatMap { Self.operatorKeys[$0] } ?? Self.operatorKeys.values.flatMap { $0 })
            let m = MapReader(map, context: context, allowed: kind == nil ? nil : allowed, reporter: reporter, baseDirectory: baseDirectory)
            guard let id = m.string("id", required: true) else { continue }
            _ = checkID(id, what: "operator")
            var branches: [String] = []
            if kind == .route { branches = (m.namedEntries("routes") ?? []).map(\.name.text) + [m.string("default")?.value ?? "default"] }
            declared.append(DeclaredOperator(id: id, kind: kind, branches: branches))
            guard let kind else { continue }
            var input: StreamRef?
            if kind != .join {
                guard let i = m.string("input", required: true) else { continue }
                input = StreamRef(parsing: i.value, at: i.location)
            }
            let common = OperatorCommon(id: id.value, location: id.location, input: input ?? StreamRef(node: "", at: id.location), repartition: nil)
            if let op = parseBody(kind, m, common) { ops.append(op) }
        }
        return (ops, declared)
    }

    private func parseBody(_ kind: OperatorKind, _ m: MapReader, _ c: OperatorCommon) -> Operator? {
        switch kind {
        case .validate: validate(m, c).map(Operator.validate)
        case .map: map(m, c).map(Operator.map)
        case .filter: m.expression("where", required: true).map { .filter(FilterOperator(common: c, condition: $0)) }
        case .route: route(m, c).map(Operator.route)
        case .dedupe: dedupe(m, c).map(Operator.dedupe)
        case .features: features(m, c).map(Operator.features)
        case .infer: infer(m, c).map(Operator.infer)
        case .join: join(m, c).map(Operator.join)
        case .drift: drift(m, c).map(Operator.drift)
        }
    }

    /// `name: expression` entries (map `set`/`derive`, features `derive`).
    func assignments(_ m: MapReader, _ key: String) -> [Assignment] {
        (m.namedEntries(key) ?? []).compactMap { name, value in
            guard case .scalar(let s) = value, !s.isNull else {
                reporter.error(DiagnosticCode.wrongType, at: value.location, "'\(name.text)' in '\(key)' of \(m.context) must be an expression, found \(value.kindName)")
                return nil
            }
            return Assignment(field: name.text, expression: Expression(s.text, at: s.location))
        }
    }

    // MARK: validate

    static let fieldRuleKeys = ["type", "required", "nullable", "min", "max", "min_length", "max_length", "pattern", "enum"]

    private func validate(_ m: MapReader, _ c: OperatorCommon) -> ValidateOperator? {
        var rules: [ValidateOperator.FieldRule] = []
        for (name, value) in m.namedEntries("fields") ?? [] {
            if case .scalar(let s) = value {
                // Short form `amount: number`.
                let t: FieldType? = s.isNull ? nil : MapReader.choice(s, key: "type", context: "field '\(name.text)' of \(m.context)", reporter: reporter)
                rules.append(.init(name: name.text, location: name.location, type: t, required: false, nullable: true))
                continue
            }
            guard let f = m.child(value, context: "field '\(name.text)' of \(m.context)", allowed: Self.fieldRuleKeys) else { continue }
            var rule = ValidateOperator.FieldRule(name: name.text, location: name.location, type: f.choice("type"),
                                                  required: f.bool("required") ?? false, nullable: f.bool("nullable") ?? false,
                                                  min: f.double("min"), max: f.double("max"),
                                                  minLength: f.int("min_length", min: 0), maxLength: f.int("max_length", min: 0))
            if let lo = rule.min, let hi = rule.max, lo > hi {
                reporter.error(DiagnosticCode.invalidValue, at: f.keyLocation("max"), "max (\(hi)) is below min (\(lo)) in \(f.context)")
            }
            if let lo = rule.minLength, let hi = rule.maxLength, lo > hi {
                reporter.error(DiagnosticCode.invalidValue, at: f.keyLocation("max_length"), "max_length (\(hi)) is below min_length (\(lo)) in \(f.context)")
            }
            if let p = f.string("pattern") {
                do { _ = try NSRegularExpression(pattern: p.value) } catch {
                    reporter.error(DiagnosticCode.invalidValue, at: p.location, "invalid regular expression '\(p.value)' in \(f.context)")
                }
                rule.pattern = p.value
            }
            if let e = f.node("enum") {
                guard case .sequence(let items, _) = e else {
                    reporter.error(DiagnosticCode.wrongType, at: e.location, "'enum' in \(f.context) must be a list of allowed values, found \(e.kindName)")
                    continue
                }
                rule.allowed = items.compactMap { item -> Value? in
                    guard case .scalar(let s) = item else { return nil }
                    switch s.resolved {
                    case .null: return .null
                    case .bool(let b): return .bool(b)
                    case .int(let i): return .int(i)
                    case .double(let d): return .double(d)
                    case .string(let t): return .string(t)
                    }
                }
            }
            rules.append(rule)
        }
        let schema = m.path("schema_file")
        if let schema { _ = checkFile(schema, purpose: .jsonSchema) }
        var expressions: [Expression] = []
        if let r = m.node("rules") {
            guard case .sequence(let items, _) = r else {
                reporter.error(DiagnosticCode.wrongType, at: r.location, "'rules' in \(m.context) must be a list of expressions, found \(r.kindName)")
                return nil
            }
            for item in items {
                if case .scalar(let s) = item, !s.isNull { expressions.append(Expression(s.text, at: s.location)) }
                else { reporter.error(DiagnosticCode.wrongType, at: item.location, "a rule in \(m.context) must be an expression, found \(item.kindName)") }
            }
        }
        let maxAge = m.mapping("freshness", context: "freshness of \(m.context)", allowed: ["max_age"])?.duration("max_age", required: true)
        if rules.isEmpty, schema == nil, expressions.isEmpty, maxAge == nil {
            reporter.warning(DiagnosticCode.missingKey, at: m.location, "\(m.context) checks nothing",
                             hint: "add fields, schema_file, rules or freshness")
        }
        return ValidateOperator(common: c, fields: rules, schemaFile: schema?.value, rules: expressions, freshnessMaxAgeMs: maxAge,
                                deadLetter: m.string("dead_letter")?.value, additionalFields: m.choice("additional_fields") ?? .keep)
    }

    // MARK: map, route, dedupe

    private func map(_ m: MapReader, _ c: OperatorCommon) -> MapOperator? {
        let assigned = assignments(m, "set") + assignments(m, "derive")
        var seen = Set<String>()
        for a in assigned where !seen.insert(a.field).inserted {
            reporter.error(DiagnosticCode.duplicateKey, at: a.expression.location, "field '\(a.field)' is computed twice in \(m.context)")
        }
        let drop = m.stringList("drop") ?? []
        let keep = m.stringList("keep")
        if assigned.isEmpty, drop.isEmpty, keep == nil {
            reporter.warning(DiagnosticCode.missingKey, at: m.location, "\(m.context) changes nothing", hint: "add set, drop or keep")
        }
        return MapOperator(common: c, assignments: assigned, drop: drop, keep: keep)
    }

    private func route(_ m: MapReader, _ c: OperatorCommon) -> RouteOperator? {
        let branches = assignments(m, "routes")
        if m.has("routes"), branches.isEmpty { m.missing("routes", hint: "at least one branch: routes: {high: amount > 1000}") }
        if !m.has("routes") { m.missing("routes") }
        for b in branches where b.field.contains(".") {
            reporter.error(DiagnosticCode.invalidValue, at: b.expression.location, "route name '\(b.field)' may not contain '.'")
        }
        return RouteOperator(common: c, branches: branches.map { .init(name: $0.field, condition: $0.expression) },
                             defaultBranch: m.string("default")?.value ?? "default")
    }

    private func dedupe(_ m: MapReader, _ c: OperatorCommon) -> DedupeOperator? {
        let id = m.expression("by", required: true), ttl = m.duration("ttl", required: true)
        guard let id, let ttl else { return nil }
        return DedupeOperator(common: c, key: m.expression("key"), by: id, ttlMs: ttl)
    }
}
