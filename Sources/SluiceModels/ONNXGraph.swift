/// A compiled ONNX graph: nodes in order, each reading and writing numbered value slots.
struct ONNXGraph: Sendable {
    struct Step: Sendable {
        let kernel: any ONNXKernel
        let inputs: [Int]
        let outputs: [Int]
        let label: String
    }

    let steps: [Step]
    let constants: [(slot: Int, tensor: Tensor)]
    let slotCount: Int
    let inputSlot: Int
    let input: ONNXValueInfo
    let outputSlots: [Int]
    let outputNames: [String]

    /// Resolves names to slots, builds every kernel (checking attributes) and checks the order.
    init(model: ONNXModelProto) throws(ModelError) {
        guard let graph = model.graph else {
            throw ModelError(.missingField, "the ONNX model has no graph", detail: "ModelProto.graph")
        }
        // Duplicate opset_import entries for one domain are tolerated: the highest version wins.
        var opsets = [String: Int64]()
        for o in model.opsets {
            let domain = o.domain == "ai.onnx" ? "" : o.domain
            opsets[domain] = max(opsets[domain] ?? 0, o.version)
        }
        var slots = [String: Int]()
        var constants = [(slot: Int, tensor: Tensor)]()
        for t in graph.initializers {
            let slot = slots.count
            guard slots.updateValue(slot, forKey: t.name) == nil else {
                throw ModelError(.invalidField, "initializer '\(t.name)' is defined twice", detail: "GraphProto.initializer")
            }
            constants.append((slot, try Tensor(proto: t, context: "initializer")))
        }
        let realInputs = graph.inputs.filter { slots[$0.name] == nil }
        guard realInputs.count == 1, let input = realInputs.first else {
            throw ModelError(.unsupported, "the graph must have exactly one input tensor [N, F]; it has \(realInputs.count)",
                             detail: "GraphProto.input")
        }
        guard input.elemType == 1 || input.elemType == 11 else {
            throw ModelError(.unsupported, "input '\(input.name)' has element type \(input.elemType); only float/double inputs are supported",
                             detail: "GraphProto.input")
        }
        let inputSlot = slots.count
        slots[input.name] = inputSlot
        var steps = [Step]()
        for (index, node) in graph.nodes.enumerated() {
            let ctx = ONNXNodeContext(node: node, opset: opsets[node.domain == "ai.onnx" ? "" : node.domain] ?? 0)
            let (kernel, produced) = try ONNXKernelFactory.make(ctx)
            var inputSlots = [Int]()
            for name in node.inputs {
                if name.isEmpty { inputSlots.append(-1); continue }
                guard let slot = slots[name] else {
                    throw ctx.error(.invalidField, "input '\(name)' is not produced by any earlier node (node #\(index))")
                }
                inputSlots.append(slot)
            }
            guard !node.outputs.isEmpty, node.outputs.count <= produced else {
                throw ctx.error(.invalidField, "declares \(node.outputs.count) outputs; the operator produces \(produced)")
            }
            var outputSlots = [Int]()
            for name in node.outputs {
                let slot = slots.count
                guard name.isEmpty || slots.updateValue(slot, forKey: name) == nil else {
                    throw ctx.error(.invalidField, "output '\(name)' is already defined")
                }
                outputSlots.append(name.isEmpty ? -1 : slot)
            }
            steps.append(Step(kernel: kernel, inputs: inputSlots, outputs: outputSlots, label: ctx.label))
        }
        var outputSlots = [Int]()
        for output in graph.outputs {
            guard let slot = slots[output.name] else {
                throw ModelError(.invalidField, "graph output '\(output.name)' is not produced by any node", detail: "GraphProto.output")
            }
            outputSlots.append(slot)
        }
        guard !outputSlots.isEmpty else {
            throw ModelError(.missingField, "the graph has no outputs", detail: "GraphProto.output")
        }
        self.steps = steps
        self.constants = constants
        self.slotCount = slots.count + 1
        self.inputSlot = inputSlot
        self.input = input
        self.outputSlots = outputSlots
        self.outputNames = graph.outputs.map(\.name)
    }

    /// Runs the graph on one input tensor; returns the graph outputs in order.
    func run(_ x: Tensor) throws(ModelError) -> [Tensor] {
        var values = [Tensor?](repeating: nil, count: slotCount)
        for (slot, tensor) in constants { values[slot] = tensor }
        values[inputSlot] = x
        var args = [Tensor?]()
        for step in steps {
            args.removeAll(keepingCapacity: true)
            for slot in step.inputs { args.append(slot < 0 ? nil : values[slot]) }
            let results: [Tensor]
            do {
                results = try step.kernel.run(args)
            } catch {
                throw error.within(step.label)
            }
            for (i, slot) in step.outputs.enumerated() where slot >= 0 && i < results.count { values[slot] = results[i] }
        }
        var out = [Tensor]()
        for slot in outputSlots {
            guard let t = values[slot] else { throw ModelError(.invalidField, "a graph output was not computed") }
            out.append(t)
        }
        return out
    }
}
