public import SluiceCore
public import SluiceExpressions
public import SluiceTopology

/// The `map` operator: assignments in order (each sees the results of the ones before it), then
/// `drop`, then `keep`.
///
/// An assignment whose expression is a top-level `one_hot(x, [literal categories])` is expanded into
/// one field per category, `<target>_<category>` (a null input writes null to each), instead of one
/// array field. An expression that fails at run time (`DIVISION_BY_ZERO`, `WRONG_TYPE`, …) sends the
/// record to the dead-letter output with that code — its **original** bytes as consumed (or its original
/// fields when it has no bytes); the message names the target field and the expression.
public final class MapStage: StreamOperator {
    /// A class, so that reading one per record is a single retain rather than a copy of its strings and arrays.
    final class Step {
        let target: String
        let position: FieldPosition
        let text: String
        let expression: CompiledExpression
        /// Expanded field names for a top-level one-hot, in category order.
        let oneHot: [String]?

        init(target: String, text: String, expression: CompiledExpression, oneHot: [String]?) {
            self.target = target
            position = FieldPosition(target)
            self.text = text
            self.expression = expression
            self.oneHot = oneHot
        }
    }

    public let id: String
    let steps: [Step]
    /// `steps` without ownership (`steps` keeps them alive): the per-record loop then retains and releases no step
    /// and no expression closure (two retains and two releases per step and record before).
    private let unretainedSteps: [Unmanaged<Step>]
    let drop: [String]
    let keep: Set<String>?
    /// Upper bound of the fields the assignments add (one-hot targets count once per category).
    let newFieldCount: Int
    public private(set) var counters = StageCounters()

    public convenience init(_ op: MapOperator) throws(OperatorSetupError) {
        var assignments: [(String, CompiledExpression)] = []
        for a in op.assignments {
            assignments.append((a.field, try ExpressionCompilation.compile(a.expression, "field '\(a.field)' of map operator '\(op.common.id)'")))
        }
        self.init(id: op.common.id, assignments: assignments, drop: op.drop.map(\.value), keep: op.keep?.map(\.value))
    }

    /// `assignments` run in order; then `drop` removes fields; then, when given, only `keep` survive.
    public init(id: String, assignments: [(field: String, expression: CompiledExpression)], drop: [String] = [], keep: [String]? = nil) {
        self.id = id
        steps = assignments.map {
            Step(target: $0.field, text: $0.expression.expression.text, expression: $0.expression,
                 oneHot: $0.expression.oneHotFieldNames(target: $0.field))
        }
        unretainedSteps = steps.map { Unmanaged.passUnretained($0) }
        self.drop = drop
        self.keep = keep.map(Set.init)
        newFieldCount = steps.reduce(0) { $0 + ($1.oneHot?.count ?? 1) }
    }

    public func process(_ batch: [Record], from side: InputSide, context: OperatorContext, into output: inout OperatorOutput) {
        let evaluation = EvaluationContext(now: context.processingTime)
        counters.records += batch.count
        for record in batch { map(record, original: record, evaluation, into: &output) }
    }

    /// Moves each record out of the batch and maps it in place. A record that keeps its original bytes (`raw`, what
    /// a dead letter carries) is dead-lettered as it stands when an assignment fails; one without is mapped on a
    /// copy so that the dead letter still holds the original fields.
    public func process(owned batch: inout [Record], from side: InputSide, context: OperatorContext, into output: inout OperatorOutput) {
        let evaluation = EvaluationContext(now: context.processingTime)
        counters.records += batch.count
        for i in batch.indices {
            let record = batch.takeRecord(at: i)  // the only reference: changed in place
            if record.raw == nil {
                map(record, original: record, evaluation, into: &output)
            } else {
                map(record, original: nil, evaluation, into: &output)
            }
        }
    }

    /// Maps one record; on failure dead-letters `original`, or the record as it stands when there is none.
    private func map(_ record: consuming Record, original: Record?, _ evaluation: EvaluationContext, into output: inout OperatorOutput) {
        do {
            try apply(to: &record, evaluation)
        } catch {
            counters.deadLettered += 1
            if let original { output.deadLetter(original, error) } else { output.deadLetter(consume record, error) }
            return
        }
        counters.emitted += 1
        output.emit(consume record)
    }

    /// Applies the map to one record in place.
    public func apply(to record: inout Record, _ context: EvaluationContext) throws(RecordError) {
        // One allocation for the copy-on-write and the new fields, instead of a copy and then regrowth.
        record.fields.reserveCapacity(record.fields.count + newFieldCount)
        for i in unretainedSteps.indices {
            let failure = unretainedSteps[i]._withUnsafeGuaranteedRef { step in Self.apply(step, to: &record, context) }
            if let failure { throw failure }
        }
        for name in drop { record.fields[name] = nil }
        if let keep { record.fields.removeAll { !keep.contains($0.name) } }
    }

    /// One assignment; the error when its expression fails.
    private static func apply(_ step: Step, to record: inout Record, _ context: EvaluationContext) -> RecordError? {
        let value: Value
        do { value = try step.expression.evaluate(record, context) } catch {
            return RecordError(error.code, field: error.field ?? step.target, "\(step.target) = \(step.text): \(error.message)")
        }
        if let names = step.oneHot {
            if case .array(let items) = value, items.count == names.count {
                for (name, item) in zip(names, items) { record.fields[name] = item }
            } else {
                for name in names { record.fields[name] = .null }
            }
        } else if let i = step.position.index(in: record.fields) {
            record.fields.setValue(value, at: i)
        } else {
            record.fields.append(step.target, value)
        }
        return nil
    }
}
