/// Attribute and input access for one graph node, with errors naming the node, op and field.
struct ONNXNodeContext {
    let node: ONNXNodeProto
    /// Opset version of the node's domain.
    let opset: Int64

    var label: String { "node '\(node.name)' (\(node.opType))" }

    func error(_ code: ModelError.Code, _ message: String, attribute: String? = nil) -> ModelError {
        ModelError(code, message, detail: attribute.map { "\(label): attribute '\($0)'" } ?? label)
    }

    func attribute(_ name: String) -> ONNXAttribute? { node.attributes.first { $0.name == name } }

    func int(_ name: String, default value: Int64? = nil) throws(ModelError) -> Int64 {
        if let a = attribute(name), let i = a.i { return i }
        if let value { return value }
        throw error(.missingField, "required attribute is missing", attribute: name)
    }

    func float(_ name: String, default value: Float) -> Float { attribute(name)?.f ?? value }

    func string(_ name: String, default value: String? = nil) throws(ModelError) -> String {
        if let a = attribute(name), let s = a.s { return String(decoding: s, as: UTF8.self) }
        if let value { return value }
        throw error(.missingField, "required attribute is missing", attribute: name)
    }

    /// INTS attribute; nil if absent.
    func ints(_ name: String) -> [Int64]? {
        guard let a = attribute(name) else { return nil }
        return a.ints
    }

    func requiredInts(_ name: String) throws(ModelError) -> [Int64] {
        guard let v = ints(name) else { throw error(.missingField, "required attribute is missing", attribute: name) }
        return v
    }

    /// FLOATS attribute, or its `<name>_as_tensor` TENSOR variant (ai.onnx.ml v3); nil if both absent.
    func floats(_ name: String) throws(ModelError) -> [Float]? {
        if let a = attribute(name) { return a.floats }
        if let t = attribute(name + "_as_tensor")?.t {
            return try Tensor(proto: t, context: "\(label): attribute '\(name)_as_tensor'").floats
        }
        return nil
    }

    func requiredFloats(_ name: String) throws(ModelError) -> [Float] {
        guard let v = try floats(name) else { throw error(.missingField, "required attribute is missing", attribute: name) }
        return v
    }

    func strings(_ name: String) -> [String]? {
        attribute(name)?.strings.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Checks the input count (optional trailing inputs may be absent or named "").
    func inputs(min: Int, max: Int) throws(ModelError) {
        let n = node.inputs.count
        guard n >= min, n <= max, node.inputs.prefix(min).allSatisfy({ !$0.isEmpty }) else {
            throw error(.invalidField, "expects \(min == max ? "\(min)" : "\(min)-\(max)") inputs, has \(n)")
        }
    }
}

/// One executable operator: pure function of its input tensors.
protocol ONNXKernel: Sendable {
    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor]
}

/// A runtime failure inside a kernel (shape mismatch), naming the kernel.
func kernelError(_ op: String, _ message: String) -> ModelError {
    ModelError(.invalidField, message, detail: op)
}

/// The input `i`, which the graph compiler guarantees present for required inputs.
func input(_ inputs: [Tensor?], _ i: Int, _ op: String) throws(ModelError) -> Tensor {
    guard i < inputs.count, let t = inputs[i] else { throw kernelError(op, "input \(i) is missing") }
    return t
}

/// Normalises a possibly negative axis for a tensor of rank `rank`.
func normalizedAxis(_ axis: Int64, rank: Int, _ op: String) throws(ModelError) -> Int {
    let a = axis < 0 ? Int(axis) + rank : Int(axis)
    guard a >= 0, a < max(rank, 1) else { throw kernelError(op, "axis \(axis) is out of range for rank \(rank)") }
    return a
}
