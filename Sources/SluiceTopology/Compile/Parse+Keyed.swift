import SluiceCore

extension TopologyParser {
    static let windowKinds = ["tumbling", "hopping", "sliding", "session", "count"]

    /// `{tumbling: 5m}`, `{hopping: 1h, every: 5m}`, `{sliding: 1h}`, `{session: 30m}`, `{count: 100}`.
    func window(_ m: MapReader, _ key: String, allowedKinds: [String] = windowKinds) -> Window? {
        guard let w = m.mapping(key, context: "window of \(m.context)", allowed: allowedKinds + (allowedKinds.contains("hopping") ? ["every"] : [])) else { return nil }
        let present = allowedKinds.filter { w.has($0) }
        guard present.count == 1, let kind = present.first else {
            reporter.error(present.isEmpty ? DiagnosticCode.missingKey : DiagnosticCode.invalidValue, at: w.location,
                           present.isEmpty ? "window of \(m.context) has no kind" : "window of \(m.context) has several kinds: \(present.joined(separator: ", "))",
                           hint: "write exactly one of: " + allowedKinds.map { "{\($0): …}" }.joined(separator: ", "))
            return nil
        }
        if kind != "hopping", w.has("every") {
            reporter.error(DiagnosticCode.invalidValue, at: w.keyLocation("every"), "'every' applies to hopping windows only")
        }
        switch kind {
        case "tumbling": return w.duration(kind).map { .tumbling(sizeMs: $0) }
        case "sliding": return w.duration(kind).map { .sliding(sizeMs: $0) }
        case "session": return w.duration(kind).map { .session(gapMs: $0) }
        case "count": return w.int(kind, min: 1).map { .count($0) }
        default:
            guard let size = w.duration(kind), let every = w.duration("every", required: true) else { return nil }
            if every > size {
                reporter.error(DiagnosticCode.invalidValue, at: w.keyLocation("every"), "hop 'every' (\(Durations.format(every))) is longer than the window (\(Durations.format(size)))",
                               hint: "records between hops would belong to no window")
                return nil
            }
            return .hopping(sizeMs: size, everyMs: every)
        }
    }

    // MARK: features

    static let aggregateKeys = ["fn", "of", "q", "k", "half_life", "sample", "window", "grace"]

    func features(_ m: MapReader, _ c: OperatorCommon) -> FeaturesOperator? {
        let key = m.expression("key", required: true)
        let derive = assignments(m, "derive")
        var aggregates: [FeaturesOperator.Aggregate] = []
        for (name, value) in m.namedEntries("aggregate") ?? [] {
            guard let a = m.child(value, context: "aggregate '\(name.text)' of \(m.context)", allowed: Self.aggregateKeys),
                  let fn: FeaturesOperator.Function = a.choice("fn", required: true) else { continue }
            let of = a.expression("of")
            if fn.needsValue, of == nil { a.missing("of", hint: "\(fn.rawValue) needs the value to aggregate: of: amount") }
            let q = a.double("q", in: 0...1)
            if fn == .quantile, q == nil, !a.has("q") { a.missing("q", hint: "quantile needs q between 0 and 1, e.g. q: 0.95") }
            let k = a.int("k", min: 1)
            if fn == .lastK, k == nil, !a.has("k") { a.missing("k", hint: "last_k needs how many values to keep: k: 5") }
            let halfLife = a.duration("half_life")
            if fn == .decayedSum || fn == .decayedMean, halfLife == nil, !a.has("half_life") { a.missing("half_life", hint: "e.g. half_life: 1h") }
            for (param, applies) in [("q", fn == .quantile), ("k", fn == .lastK), ("half_life", fn == .decayedSum || fn == .decayedMean),
                                     ("sample", fn == .variance || fn == .stddev)] where a.has(param) && !applies {
                reporter.warning(DiagnosticCode.unknownKey, at: a.keyLocation(param), "'\(param)' has no effect on \(fn.rawValue) in \(a.context)")
            }
            let window = a.has("window") ? self.window(a, "window") : .unbounded
            guard let window else { continue }
            aggregates.append(.init(name: name.text, location: name.location, function: fn, of: of, q: q, k: k, halfLifeMs: halfLife,
                                    sample: a.bool("sample") ?? false, window: window, graceMs: a.duration("grace", positive: false) ?? 0))
        }
        if derive.isEmpty, aggregates.isEmpty, m.node("aggregate") == nil {
            m.missing("aggregate", hint: "a features operator computes aggregates and/or derive expressions")
        }
        let emit: FeaturesOperator.Emit = m.choice("emit") ?? .perEvent
        if emit != .perEvent {
            for a in aggregates where !a.window.closes {
                reporter.error(DiagnosticCode.invalidValue, at: a.location, "aggregate '\(a.name)' never closes, so emit: \(emit.rawValue) cannot emit it",
                               hint: "use tumbling, hopping or session windows with on_close, or emit: per_event")
            }
        }
        guard let key else { return nil }
        return FeaturesOperator(common: c, key: key, derive: derive, aggregates: aggregates, emit: emit,
                                lateTopic: m.string("late")?.value, includeCurrent: m.bool("include_current") ?? true)
    }

    // MARK: join

    func join(_ m: MapReader, _ c: OperatorCommon) -> JoinOperator? {
        let left = m.string("left", required: true), right = m.string("right", required: true)
        let within = m.duration("within", required: true)
        var leftKey: Expression?, rightKey: Expression?
        if let on = m.node("on") {
            if case .scalar = on {
                leftKey = m.expression("on")
                rightKey = leftKey
            } else if let o = m.mapping("on", context: "'on' of \(m.context)", allowed: ["left", "right"]) {
                leftKey = o.expression("left", required: true)
                rightKey = o.expression("right", required: true)
            }
        } else {
            m.missing("on", hint: "the join key: on: event_id, or on: {left: id, right: ref_id}")
        }
        guard let left, let right, let within, let leftKey, let rightKey else { return nil }
        var common = c
        common.input = StreamRef(parsing: left.value, at: left.location)
        return JoinOperator(common: common, right: StreamRef(parsing: right.value, at: right.location), leftKey: leftKey, rightKey: rightKey,
                            withinMs: within, ttlMs: m.duration("ttl") ?? within, emit: m.choice("emit") ?? .matched, rightRepartition: nil)
    }
}
