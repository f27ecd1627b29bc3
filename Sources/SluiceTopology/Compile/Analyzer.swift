import SluiceCore

/// Cross-reference checks over the parsed sections: ids, inputs, cycles, order, then (in other files)
/// field flow, partitioning, sinks and residency. Fills in repartitions and builds the graph.
final class Analyzer {
    enum Declaration {
        case source
        case `operator`(DeclaredOperator)
    }

    let reporter: Reporter
    let hooks: any ValidationHooks
    let applicationID: String
    let metadata: Metadata?
    let cluster: ClusterConfig?
    let clusterRegionLocation: SourceLocation?
    let clusterLocation: SourceLocation
    var sources: [Source]
    var operators: [Operator]
    var sinks: [Sink]
    let eventTimeField: Located<String>?

    var declarations: [String: Declaration] = [:]
    /// References that resolved, per operator or sink id (invalid ones are left out of the graph).
    var validRefs = Set<StreamRef>()
    var cyclic = Set<String>()
    var outputs: [String: StreamInfo] = [:]

    init(reporter: Reporter, hooks: any ValidationHooks, applicationID: String, metadata: Metadata?, cluster: ClusterConfig?,
         clusterLocation: SourceLocation, clusterRegionLocation: SourceLocation?, sources: [Source], operators: [Operator], sinks: [Sink],
         eventTimeField: Located<String>?) {
        self.reporter = reporter
        self.hooks = hooks
        self.applicationID = applicationID
        self.metadata = metadata
        self.cluster = cluster
        self.clusterLocation = clusterLocation
        self.clusterRegionLocation = clusterRegionLocation
        self.sources = sources
        self.operators = operators
        self.sinks = sinks
        self.eventTimeField = eventTimeField
    }

    func run(sourceIDs: [Located<String>], declared: [DeclaredOperator]) -> TopologyGraph {
        declareIDs(sourceIDs: sourceIDs, declared: declared)
        for op in operators {
            for ref in op.inputs where resolve(ref, in: "operator '\(op.id)'", selfID: op.id) { validRefs.insert(ref) }
        }
        for sink in sinks where resolve(sink.input, in: "sink '\(sink.topic)'", selfID: nil) { validRefs.insert(sink.input) }
        findCycles()
        let order = topologicalOrder()
        flow(order: order)
        checkSinks()
        checkResidency()
        checkUnused()
        return buildGraph(order: order)
    }

    private func declareIDs(sourceIDs: [Located<String>], declared: [DeclaredOperator]) {
        var firstSeen: [String: SourceLocation] = [:]
        func declare(_ id: Located<String>, _ d: Declaration) {
            if let first = firstSeen[id.value] {
                reporter.error(DiagnosticCode.duplicateId, at: id.location, "duplicate id '\(id.value)'",
                               hint: "first defined at line \(first.line); every source and operator needs its own id")
                return
            }
            firstSeen[id.value] = id.location
            declarations[id.value] = d
        }
        for id in sourceIDs { declare(id, .source) }
        for d in declared { declare(d.id, .operator(d)) }
    }

    /// Every name an input may reference, for "did you mean".
    private var referenceableNames: [String] {
        declarations.flatMap { id, d -> [String] in
            if case .operator(let o) = d, o.kind == .route { return o.branches.map { "\(id).\($0)" } }
            return [id]
        }.sorted()
    }

    func resolve(_ ref: StreamRef, in context: String, selfID: String?) -> Bool {
        guard let d = declarations[ref.node] else {
            let hint = Suggest.hint(for: ref.description, in: referenceableNames, listIfNone: false)
                ?? sources.first { $0.topic == ref.node }.map { "'\(ref.node)' is the topic of source '\($0.id)'; reference the source id" }
            reporter.error(DiagnosticCode.unknownInput, at: ref.location, "unknown input '\(ref.description)' in \(context)",
                           hint: hint ?? "inputs name a source or an operator id")
            return false
        }
        if ref.node == selfID, case .operator(let o) = d, o.id.value == selfID {
            reporter.error(DiagnosticCode.cycle, at: ref.location, "cycle: \(ref.node) → \(ref.node)", hint: "an operator cannot read its own output")
            cyclic.insert(ref.node)
            return false
        }
        let branches: [String]? = if case .operator(let o) = d, o.kind == .route { o.branches } else { nil }
        switch (branches, ref.branch) {
        case (nil, nil): return true
        case (nil, let b?):
            reporter.error(DiagnosticCode.unknownInput, at: ref.location, "'\(ref.node)' has no branch '\(b)' in \(context): only route operators have branches",
                           hint: "reference '\(ref.node)'")
            return false
        case (let bs?, nil):
            reporter.error(DiagnosticCode.unknownInput, at: ref.location, "route '\(ref.node)' in \(context) must be referenced with a branch",
                           hint: "one of: " + bs.map { "\(ref.node).\($0)" }.joined(separator: ", "))
            return false
        case (let bs?, let b?):
            if bs.contains(b) { return true }
            reporter.error(DiagnosticCode.unknownInput, at: ref.location, "route '\(ref.node)' has no branch '\(b)' (in \(context))",
                           hint: Suggest.hint(for: b, in: bs))
            return false
        }
    }

    private func validInputs(_ op: Operator) -> [StreamRef] { op.inputs.filter { validRefs.contains($0) } }

    /// Depth-first search along inputs; every cycle is reported once, in dataflow order.
    private func findCycles() {
        let byID = Dictionary(operators.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var state: [String: Int] = [:]  // 1 = on stack, 2 = done
        var stack: [String] = []
        func visit(_ id: String) {
            state[id] = 1
            stack.append(id)
            for ref in validInputs(byID[id]!) where byID[ref.node] != nil && ref.node != id {
                // A duplicate id shadows nothing: references go to the first declaration.
                guard case .operator = declarations[ref.node] else { continue }
                switch state[ref.node] {
                case 1:
                    let start = stack.firstIndex(of: ref.node)!
                    let members = Array(stack[start...])
                    cyclic.formUnion(members)
                    let path = [ref.node] + members.dropFirst().reversed() + [ref.node]
                    reporter.error(DiagnosticCode.cycle, at: ref.location, "cycle: " + path.joined(separator: " → "),
                                   hint: "a topology is a DAG; feed results back through a topic instead")
                case nil: visit(ref.node)
                default: break
                }
            }
            stack.removeLast()
            state[id] = 2
        }
        for op in operators where state[op.id] == nil { visit(op.id) }
    }

    /// Kahn's algorithm, stable in file order: sources, then operators, then sinks. Cyclic nodes are left out.
    private func topologicalOrder() -> [String] {
        var ids = sources.map(\.id) + operators.map(\.id).filter { !cyclic.contains($0) }
        var seen = Set<String>()
        ids = ids.filter { seen.insert($0).inserted }
        let known = Set(ids)
        var deps: [String: Set<String>] = [:]
        for op in operators where known.contains(op.id) {
            deps[op.id] = Set(validInputs(op).map(\.node).filter { known.contains($0) })
        }
        var order: [String] = [], done = Set<String>()
        var progress = true
        while progress {
            progress = false
            for id in ids where !done.contains(id) && (deps[id] ?? []).isSubset(of: done) {
                order.append(id)
                done.insert(id)
                progress = true
            }
        }
        return order
    }
}
