public import SluiceCore
public import SluiceExpressions
public import SluiceTopology

/// The `route` operator: each record goes to the first branch whose condition is true (null counts
/// as false), else to the default branch, via `output.emit(record, to: branch)`. Downstream nodes read
/// `<route id>.<branch>`. A condition that fails at run time sends the record to the dead-letter
/// output; later branches are not tried.
public final class RouteStage: StreamOperator {
    public let id: String
    let branches: [(name: String, condition: CompiledExpression)]
    public let defaultBranch: String
    public private(set) var counters = StageCounters()

    public convenience init(_ op: RouteOperator) throws(OperatorSetupError) {
        var branches: [(String, CompiledExpression)] = []
        for b in op.branches {
            branches.append((b.name, try ExpressionCompilation.compile(b.condition, "branch '\(b.name)' of route operator '\(op.common.id)'")))
        }
        self.init(id: op.common.id, branches: branches, defaultBranch: op.defaultBranch)
    }

    public init(id: String, branches: [(name: String, condition: CompiledExpression)], defaultBranch: String = "default") {
        self.id = id
        self.branches = branches
        self.defaultBranch = defaultBranch
    }

    /// Every output name, branches first, then the default (once).
    public var outputNames: [String] {
        branches.map(\.name) + (branches.contains { $0.name == defaultBranch } ? [] : [defaultBranch])
    }

    public func process(_ batch: [Record], from side: InputSide, context: OperatorContext, into output: inout OperatorOutput) {
        let evaluation = EvaluationContext(now: context.processingTime)
        counters.records += batch.count
        for record in batch {
            do {
                output.emit(record, to: try branch(for: record, evaluation))
                counters.emitted += 1
            } catch {
                counters.deadLettered += 1
                output.deadLetter(record, error)
            }
        }
    }

    /// The branch a record goes to.
    public func branch(for record: Record, _ context: EvaluationContext) throws(RecordError) -> String {
        for b in branches {
            do {
                if try b.condition.evaluateBool(record, context) { return b.name }
            } catch {
                throw RecordError(error.code, field: error.field,
                                  "route branch '\(b.name)' (\(b.condition.expression.text)): \(error.message)")
            }
        }
        return defaultBranch
    }
}
