import SluiceCore
import SluiceExpressions
import SluiceFeatures
import SluiceOperators
import SluiceTopology

/// The `features` operator: derives fields, keys each record by an expression, and computes windowed
/// aggregates with the feature engine (point-in-time correct per-event values and/or closed windows).
/// Its state is the feature engine's per-key state, saved key by key (only what changed) at checkpoints.
final class FeaturesStage: StatefulOperator {
    let id: String
    private let engine: FeatureEngine
    private let derive: MapStage?
    private let key: CompiledExpression
    private var outputs: [FeatureOutput] = []
    private var keyBuffer: [UInt8] = []
    /// The store key holding the engine-wide state (watermark, stream time).
    static let engineStateKey: [UInt8] = Array("\u{0}sluice-features-engine".utf8)

    init(_ f: FeaturesOperator, topology: Topology) throws {
        id = f.common.id
        do {
            key = try SluiceExpressions.Expression.parse(f.key.text).compile()
            derive = f.derive.isEmpty ? nil : try MapStage(
                id: id + ".derive",
                assignments: f.derive.map { ($0.field, try SluiceExpressions.Expression.parse($0.expression.text).compile()) })
        } catch {
            throw EngineError("\(f.common.location): features '\(f.common.id)': \(error)")
        }
        var specs: [AggregateSpec] = []
        for a in f.aggregates {
            let input: FeatureInput
            if let of = a.of {
                if let field = of.simpleField {
                    input = .field(field)
                } else {
                    let compiled: CompiledExpression
                    do { compiled = try SluiceExpressions.Expression.parse(of.text).compile() } catch {
                        throw EngineError("\(of.location): \(error)")
                    }
                    input = .custom(name: of.text, { record in try? compiled.evaluate(record, EvaluationContext(now: record.timestamp)) })
                }
            } else {
                input = .none
            }
            specs.append(AggregateSpec(a.name, try Self.function(a), of: input, window: Self.window(a.window), grace: a.graceMs))
        }
        let emit: EmitMode = switch f.emit {
        case .perEvent: .perEvent
        case .onClose: .onClose
        case .both: .both
        }
        do {
            engine = try FeatureEngine(.init(aggregates: specs, emit: emit, includeCurrent: f.includeCurrent))
        } catch {
            throw EngineError("\(f.common.location): features '\(f.common.id)': \(error)")
        }
    }

    static func function(_ a: FeaturesOperator.Aggregate) throws -> AggregateFunction {
        switch a.function {
        case .count: .count
        case .sum: .sum
        case .mean: .mean
        case .min: .min
        case .max: .max
        case .variance: .variance(sample: a.sample)
        case .stddev: .stddev(sample: a.sample)
        case .distinct: .distinct(precision: 14)
        case .quantile: .quantile(q: a.q ?? 0.5, k: 200)
        case .first: .first
        case .last: .last
        case .timeSinceLast: .timeSinceLast
        case .decayedSum: .decayedSum(halfLife: a.halfLifeMs ?? 3_600_000)
        case .decayedMean: .decayedMean(halfLife: a.halfLifeMs ?? 3_600_000)
        case .lastK: .lastK(a.k ?? 5)
        }
    }

    static func window(_ w: Window) -> WindowSpec {
        switch w {
        case .tumbling(let size): .tumbling(size: size)
        case .hopping(let size, let every): .hopping(size: size, every: every)
        case .sliding(let size): .sliding(size)
        case .session(let gap): .session(gap: gap)
        case .count(let n): .count(n)
        case .unbounded: .unbounded
        }
    }

    func process(_ batch: [Record], from side: InputSide, context: OperatorContext, into output: inout OperatorOutput) {
        var owned = batch
        process(owned: &owned, from: side, context: context, into: &output)
    }

    /// Moves each record out of the batch into the feature engine, which enriches it in place.
    func process(owned batch: inout [Record], from side: InputSide, context: OperatorContext, into output: inout OperatorOutput) {
        let evaluation = EvaluationContext(now: context.processingTime)
        for i in batch.indices {
            var record = batch.takeRecord(at: i)
            do {
                try derive?.apply(to: &record, evaluation)
                let keyValue = try key.evaluate(record, evaluation)
                // One reused key buffer: the engine copies a key only when it first sees it.
                keyBuffer.removeAll(keepingCapacity: true)
                switch keyValue {
                case .null:
                    output.deadLetter(record, RecordError(.missingField, field: key.expression.text, "the features key '\(key.expression.text)' is null"))
                    continue
                case .string(let s): keyBuffer.append(contentsOf: s.utf8)
                default: keyBuffer.append(contentsOf: keyValue.expressionText.utf8)
                }
                let eventTime = record.eventTime ?? record.timestamp
                engine.process(consume record, key: keyBuffer, eventTime: eventTime, processingTime: context.processingTime,
                               into: &outputs)
            } catch {
                output.deadLetter(record, error)
            }
        }
        flush(into: &output)
    }

    func advance(context: OperatorContext, into output: inout OperatorOutput) {
        guard context.watermark > engine.watermark else { return }
        outputs.append(contentsOf: engine.advanceWatermark(to: context.watermark))
        flush(into: &output)
    }

    /// Moves the engine's outputs to the operator output (popping from the reversed array moves each record
    /// instead of copying it).
    private func flush(into output: inout OperatorOutput) {
        outputs.reverse()
        while let o = outputs.popLast() {
            switch consume o {
            case .event(let r): output.emit(r)
            case .window(let w): output.emit(w.record)
            case .late(let r, let e): output.late.append((r, e.message))
            case .invalid(let r, let e): output.deadLetter(r, e)
            }
        }
    }

    func saveState(into store: any KeyedStateStore) throws {
        for (key, state) in engine.takeDirtySnapshots() {
            if let state { try store.put(key, state, timestamp: engine.streamTime) } else { try store.delete(key) }
        }
        try store.put(Self.engineStateKey, engine.snapshotEngine(), timestamp: engine.streamTime)
    }

    func loadState(from store: any KeyedStateStore) throws {
        try store.forEach { key, value in
            if key == Self.engineStateKey { try engine.restoreEngine(value) } else { try engine.restore(key: key, bytes: value) }
        }
        engine.markClean()
    }

    func lookup(key: [UInt8]) -> Fields? {
        let fields = engine.lookup(key)
        return fields.isEmpty ? nil : fields
    }
}
