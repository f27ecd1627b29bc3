public import SluiceCore
public import SluiceExpressions
public import SluiceTopology

/// The `filter` operator: records for which the condition is true continue; false or null drops
/// them (counted in `counters.filteredOut`, never a dead letter). A condition that fails at run time
/// or is not a boolean sends the record to the dead-letter output.
public final class FilterStage: StreamOperator {
    public let id: String
    let condition: CompiledExpression
    public private(set) var counters = StageCounters()

    public convenience init(_ op: FilterOperator) throws(OperatorSetupError) {
        self.init(id: op.common.id, condition: try ExpressionCompilation.compile(op.condition, "filter operator '\(op.common.id)'"))
    }

    public init(id: String, condition: CompiledExpression) {
        self.id = id
        self.condition = condition
    }

    public func process(_ batch: [Record], from side: InputSide, context: OperatorContext, into output: inout OperatorOutput) {
        let evaluation = EvaluationContext(now: context.processingTime)
        counters.records += batch.count
        for record in batch {
            do {
                if try condition.evaluateBool(record, evaluation) {
                    counters.emitted += 1
                    output.emit(record)
                } else {
                    counters.filteredOut += 1
                }
            } catch {
                counters.deadLettered += 1
                output.deadLetter(record, RecordError(error.code, field: error.field, "filter '\(condition.expression.text)': \(error.message)"))
            }
        }
    }
}
