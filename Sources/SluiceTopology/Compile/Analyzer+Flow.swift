import SluiceCore

/// Walks the graph in topological order, tracking the fields and partitioning of every stream:
/// checks expressions and field references, asks for models, and inserts repartitions.
extension Analyzer {
    func flow(order: [String]) {
        let inOrder = Set(order)
        let sourceByID = Dictionary(sources.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var opIndex: [String: Int] = [:]
        for (i, op) in operators.enumerated() where opIndex[op.id] == nil { opIndex[op.id] = i }
        for id in order {
            if let s = sourceByID[id] {
                outputs[id] = StreamInfo(fields: s.declaredFields.map { FieldSet.closed($0) } ?? .open, key: s.key, partitions: s.partitions)
                if s.eventTime == nil, let ts = eventTimeField, let declared = s.declaredFields, !declared.contains(ts.value) {
                    reporter.error(DiagnosticCode.unknownField, at: ts.location, "event-time field '\(ts.value)' is not a field of source '\(s.id)'",
                                   hint: Suggest.hint(for: ts.value, in: declared.sorted()))
                }
            } else if let i = opIndex[id] {
                operators[i] = process(operators[i])
            }
        }
        // Operators caught in (or behind) a cycle: still check their expressions' syntax.
        for (i, op) in operators.enumerated() where !inOrder.contains(op.id) { operators[i] = process(op, syntaxOnly: true) }
        for sink in sinks {
            let fields = info(sink.input)?.fields
            let context = "sink '\(sink.topic)'"
            if let key = sink.key { check(key, fields, context) }
            for h in sink.headers { check(h.value, fields, context) }
        }
    }

    func info(_ ref: StreamRef) -> StreamInfo? {
        validRefs.contains(ref) ? (outputs[ref.node] ?? .unknown) : nil
    }

    /// Checks one expression; returns the fields it reads.
    @discardableResult
    func check(_ e: Expression, _ fields: FieldSet?, _ context: String) -> Set<String> {
        let result = hooks.checkExpression(e.text)
        for issue in result.errors {
            reporter.error(DiagnosticCode.expression, at: e.location.advanced(by: issue.offset), "\(issue.message) in expression '\(e.text)' of \(context)",
                           hint: issue.hint)
        }
        if let fields, !fields.isOpen {
            for name in result.referencedFields.sorted() where !fields.contains(name) {
                let offset = Self.wordOffset(of: name, in: e.text) ?? 0
                unknownField(name, at: e.location.advanced(by: offset), fields, context)
            }
        }
        return result.referencedFields
    }

    func checkField(_ name: Located<String>, _ fields: FieldSet?, _ context: String) {
        guard let fields, !fields.contains(name.value) else { return }
        unknownField(name.value, at: name.location, fields, context)
    }

    private func unknownField(_ name: String, at location: SourceLocation, _ fields: FieldSet, _ context: String) {
        let known = fields.known.sorted()
        reporter.error(DiagnosticCode.unknownField, at: location, "field '\(name)' used in \(context) is not produced upstream",
                       hint: Suggest.closest(to: name, in: known).map { "did you mean '\($0)'?" } ?? "available: " + known.joined(separator: ", "))
    }

    /// Character offset of `word` as a whole identifier in `text`.
    static func wordOffset(of word: String, in text: String) -> Int? {
        let chars = Array(text), w = Array(word)
        guard w.count <= chars.count else { return nil }
        func isIdent(_ c: Character) -> Bool { c == "_" || c.isLetter || c.isNumber }
        for i in 0...(chars.count - w.count) where Array(chars[i..<(i + w.count)]) == w {
            let before = i == 0 || !isIdent(chars[i - 1])
            let after = i + w.count == chars.count || !isIdent(chars[i + w.count])
            if before && after { return i }
        }
        return nil
    }

    /// Decides whether a keyed operator needs a repartition topic, and says so.
    func repartition(_ id: String, key: Expression, input: StreamInfo?, side: String? = nil) -> Repartition? {
        guard let input else { return nil }
        let field = key.simpleField
        if let field, input.key == field { return nil }
        let topic = "\(applicationID)-\(id)\(side.map { "-\($0)" } ?? "")-repartition"
        let sideText = side.map { "\($0) " } ?? ""
        let why = input.key.map { "its \(sideText)input is partitioned by '\($0)'" } ?? "its \(sideText)input has no declared key"
        reporter.note(DiagnosticCode.repartition, at: key.location,
                      "operator '\(id)' is keyed by '\(key.text)' but \(why); records will be re-keyed through repartition topic '\(topic)'",
                      hint: input.key == nil && field != nil ? "if the topic is already keyed by '\(field!)', declare key: \(field!) on its source" : nil)
        return Repartition(topic: topic, key: key)
    }

    // MARK: per operator

    func process(_ op: Operator, syntaxOnly: Bool = false) -> Operator {
        let context = "operator '\(op.id)'"
        let input = syntaxOnly ? nil : info(op.common.input)
        let fields = input?.fields
        var out = input ?? .unknown
        defer { if !syntaxOnly { outputs[op.id] = out } }
        switch op {
        case .validate(let v):
            var declared = v.fields.map(\.name)
            if let schema = v.schemaFile, let names = SchemaFields.read(schema) { declared += names }
            let available = fields.map { $0.union(.closed(declared)) }
            for rule in v.rules { check(rule, available, context) }
            if v.additionalFields == .drop {
                out.fields = .closed(declared)
                if let k = out.key, !declared.contains(k) { out.key = nil }
            } else {
                out.fields = (fields ?? .open).union(.closed(declared))
            }
            return op
        case .map(let m):
            var current = fields
            for a in m.assignments {
                check(a.expression, current, context)
                current?.insert(a.field)
                if a.field == out.key { out.key = nil }
            }
            for d in m.drop {
                checkField(d, current, context)
                current?.remove(d.value)
                if d.value == out.key { out.key = nil }
            }
            if let keep = m.keep {
                for k in keep { checkField(k, current, context) }
                current = .closed(keep.map(\.value))
                if let k = out.key, !keep.contains(where: { $0.value == k }) { out.key = nil }
            }
            out.fields = current ?? .open
            return op
        case .filter(let f):
            check(f.condition, fields, context)
            return op
        case .route(let r):
            for b in r.branches { check(b.condition, fields, context) }
            return op
        case .dedupe(var d):
            if let key = d.key { check(key, fields, context) }
            check(d.by, fields, context)
            if !syntaxOnly { d.common.repartition = repartition(op.id, key: d.effectiveKey, input: input) }
            if d.common.repartition != nil { out.key = d.effectiveKey.simpleField; out.partitions = nil }
            return .dedupe(d)
        case .features(var f):
            check(f.key, fields, context)
            var current = fields
            for a in f.derive {
                check(a.expression, current, context)
                current?.insert(a.field)
            }
            for a in f.aggregates {
                if let of = a.of { check(of, current, "aggregate '\(a.name)' of \(context)") }
                current?.insert(a.name)
            }
            if !syntaxOnly { f.common.repartition = repartition(op.id, key: f.key, input: input) }
            out.fields = current ?? .open
            out.key = f.key.simpleField
            if f.common.repartition != nil { out.partitions = nil }
            return .features(f)
        case .infer(let i):
            return .infer(processInfer(i, input: input, out: &out, syntaxOnly: syntaxOnly))
        case .join(var j):
            let right = syntaxOnly ? nil : info(j.right)
            check(j.leftKey, fields, "left key of \(context)")
            check(j.rightKey, right?.fields, "right key of \(context)")
            if !syntaxOnly {
                j.common.repartition = repartition(op.id, key: j.leftKey, input: input, side: "left")
                j.rightRepartition = repartition(op.id, key: j.rightKey, input: right, side: "right")
                if j.common.repartition == nil, j.rightRepartition == nil, let l = input?.partitions, let r = right?.partitions, l != r {
                    reporter.error(DiagnosticCode.copartition, at: op.location,
                                   "join '\(op.id)' reads '\(j.left)' with \(l) partitions and '\(j.right)' with \(r): inputs must be co-partitioned",
                                   hint: "give both topics the same partition count, or re-key one side")
                }
            }
            out.fields = (fields ?? .open).union(right?.fields ?? .open)
            out.key = j.leftKey.simpleField
            if j.common.repartition != nil || j.rightRepartition != nil { out.partitions = nil }
            return .join(j)
        case .drift(let d):
            for f in d.features { checkField(f, fields, context) }
            if let p = d.prediction { checkField(p, fields, context) }
            if let perf = d.performance {
                let from = syntaxOnly ? nil : info(perf.from)
                checkField(perf.label, from?.fields, "performance of \(context)")
                checkField(perf.prediction, from?.fields, "performance of \(context)")
            }
            if let rollback = d.onDrift?.rollback {
                let target = operators.first { $0.id == rollback.value }
                if target?.kind != .infer {
                    let infers = operators.filter { $0.kind == .infer }.map(\.id)
                    reporter.error(DiagnosticCode.unknownInput, at: rollback.location,
                                   target == nil ? "on_drift.rollback names unknown operator '\(rollback.value)'" : "on_drift.rollback must name an infer operator; '\(rollback.value)' is \(target!.kind.rawValue)",
                                   hint: Suggest.hint(for: rollback.value, in: infers))
                }
            }
            // The drift operator's output stream is its reports.
            out = StreamInfo(fields: .open, key: nil, partitions: nil)
            return op
        }
    }

    private func processInfer(_ i: InferOperator, input: StreamInfo?, out: inout StreamInfo, syntaxOnly: Bool) -> InferOperator {
        var i = i
        let context = "operator '\(i.common.id)'"
        let model = hooks.checkModel(i.model)
        for e in model.errors { reporter.error(DiagnosticCode.model, at: i.model.location, e) }
        if let names = model.featureNames {
            if i.features.isEmpty {
                i.features = names.map { Located($0, at: i.model.location) }
            } else {
                let listed = i.featureNames
                let missing = names.filter { !listed.contains($0) }, extra = listed.filter { !names.contains($0) }
                let at = i.features.first { extra.contains($0.value) }?.location ?? i.features[0].location
                if !missing.isEmpty || !extra.isEmpty {
                    var parts: [String] = []
                    if !missing.isEmpty { parts.append("the model also needs " + missing.map { "'\($0)'" }.joined(separator: ", ")) }
                    if !extra.isEmpty { parts.append("the model does not use " + extra.map { "'\($0)'" }.joined(separator: ", ")) }
                    reporter.error(DiagnosticCode.model, at: at, "features of \(context) do not match the model: " + parts.joined(separator: "; "),
                                   hint: "the model's features are: " + names.joined(separator: ", "))
                } else if listed != names {
                    reporter.warning(DiagnosticCode.model, at: i.features[0].location, "features of \(context) are listed in a different order than the model's",
                                     hint: "the model's order is used: " + names.joined(separator: ", "))
                }
            }
        } else if i.features.isEmpty, model.errors.isEmpty {
            reporter.error(DiagnosticCode.missingKey, at: i.common.location, "missing required key 'features' in \(context)",
                           hint: "the model file does not declare its features; list them: features: [amount, hour]")
        }
        for f in i.features where f.location != i.model.location { checkField(f, input?.fields, context) }
        if let names = model.featureNames, i.features.allSatisfy({ $0.location == i.model.location }), let fields = input?.fields {
            for n in names where !fields.contains(n) {
                unknownField(n, at: i.model.location, fields, "the model of \(context)")
            }
        }
        out.fields.insert(i.output.score)
        if let label = i.output.label { out.fields.insert(label) }
        if let p = i.output.probabilitiesPrefix { out.fields.prefixes.append(p) }
        return i
    }
}

import Foundation
