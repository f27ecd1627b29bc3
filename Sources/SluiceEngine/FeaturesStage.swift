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
    ///
    /// Each record is prepared (derived, keyed, its state looked up and its row prefetched) three records
    /// ahead of its processing, the heads of its state's buffers two ahead and their tails one ahead: with
    /// many keys, cache misses on the state dominate, and this overlaps them with the work on earlier
    /// records (see `FeatureEngine.prefetchRow`).
    func process(owned batch: inout [Record], from side: InputSide, context: OperatorContext, into output: inout OperatorOutput) {
        let evaluation = EvaluationContext(now: context.processingTime)
        let n = batch.count
        var prepared = 0
        // A local for the loop: a stored property would be checked for exclusive access on every use.
        var ahead: [Prepared] = []
        swap(&ahead, &aheadBuffers)
        // Locals for the loop, swapped back after it: a stored property passed inout is checked for exclusive
        // access on every call, and a key passed from `ahead` was retained and released per record.
        var produced: [FeatureOutput] = []
        swap(&produced, &outputs)
        var key: [UInt8] = []
        // Per-event emission: enriched in place, no output list (see `FeatureEngine.enrich`).
        let inPlace = engine.configuration.emit == .perEvent
        var kept = 0
        for i in 0..<n {
            while prepared < n && prepared <= i + 3 {
                prepare(&batch[prepared], into: &ahead[prepared & 3], evaluation)
                prepared += 1
            }
            if i + 2 < n, let slot = ahead[(i + 2) & 3].slot { engine.prefetchStorage(slot) }
            if i + 1 < n, let slot = ahead[(i + 1) & 3].slot { engine.prefetchTails(slot) }
            if let error = ahead[i & 3].error {
                output.deadLetter(batch.takeRecord(at: i), error)
                continue
            }
            swap(&key, &ahead[i & 3].key)
            if inPlace {
                // Accepted records stay in the batch, moved down over the rejected ones (which leave empty
                // records behind): the batch itself becomes the output.
                let eventTime = batch[i].eventTime ?? batch[i].timestamp
                switch engine.enrich(&batch[i], key: key, slot: ahead[i & 3].slot, eventTime: eventTime,
                                     processingTime: context.processingTime) {
                case nil:
                    if kept != i { batch.swapAt(kept, i) }
                    kept += 1
                case .late(let error)?: output.late.append((batch.takeRecord(at: i), error.message))
                case .invalid(let error)?: output.deadLetter(batch.takeRecord(at: i), error)
                }
            } else {
                let record = batch.takeRecord(at: i)
                let eventTime = record.eventTime ?? record.timestamp
                engine.process(record, key: key, slot: ahead[i & 3].slot, eventTime: eventTime,
                               processingTime: context.processingTime, into: &produced)
            }
            swap(&key, &ahead[i & 3].key)
        }
        swap(&ahead, &aheadBuffers)
        swap(&produced, &outputs)
        if inPlace {
            batch.removeLast(n - kept)
            if output.records.isEmpty {
                swap(&output.records, &batch)
            } else {
                output.records.append(contentsOf: batch)
            }
        }
        flush(into: &output)
    }

    /// A record prepared ahead of its processing: its key bytes (or why it has none) and its state's slot.
    struct Prepared {
        var key: [UInt8] = []
        var error: RecordError?
        var slot: FeatureEngine.StateSlot?
    }

    /// Four, reused round robin (each keeps its key buffer): the one processed, and up to three ahead.
    private var aheadBuffers = [Prepared](repeating: Prepared(), count: 4)

    /// Applies the derivations in place, evaluates the key and starts fetching the key's state.
    private func prepare(_ record: inout Record, into p: inout Prepared, _ evaluation: EvaluationContext) {
        p.key.removeAll(keepingCapacity: true)
        p.error = nil
        p.slot = nil
        do {
            try derive?.apply(to: &record, evaluation)
            let keyValue = try key.evaluate(record, evaluation)
            switch keyValue {
            case .null:
                p.error = RecordError(.missingField, field: key.expression.text, "the features key '\(key.expression.text)' is null")
                return
            case .string(var s): s.withUTF8 { p.key.append(contentsOf: $0) }
            default: p.key.append(contentsOf: keyValue.expressionText.utf8)
            }
        } catch {
            p.error = error
            return
        }
        p.slot = engine.prefetchRow(key: p.key)
    }

    func advance(context: OperatorContext, into output: inout OperatorOutput) {
        guard context.watermark > engine.watermark else { return }
        outputs.append(contentsOf: engine.advanceWatermark(to: context.watermark))
        flush(into: &output)
    }

    /// Moves the engine's outputs to the operator output. Each element is moved out of the array's storage
    /// (leaving an empty placeholder, cheap to destroy) rather than copied, so every record passes on
    /// without reference counting on its fields.
    private func flush(into output: inout OperatorOutput) {
        let placeholder = FeatureOutput.event(Record())
        outputs.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for i in 0..<buffer.count {
                switch (base + i).move() {
                case .event(let r): output.emit(r)
                case .window(let w): output.emit(w.record)
                case .late(let r, let e): output.late.append((r, e.message))
                case .invalid(let r, let e): output.deadLetter(r, e)
                }
                (base + i).initialize(to: placeholder)
            }
        }
        outputs.removeAll(keepingCapacity: true)
    }

    func saveState(into store: any KeyedStateStore) throws {
        let time = engine.streamTime
        try engine.forEachDirtySnapshot { key, state in
            if let state { try store.put(key, state, timestamp: time) } else { try store.delete(key) }
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
