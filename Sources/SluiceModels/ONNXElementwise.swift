import Foundation

/// Add, Sub, Mul, Div with numpy-style broadcasting (float32, or int64 when both inputs are integers).
struct BinaryKernel: ONNXKernel {
    enum Op: String, Sendable { case add = "Add", sub = "Sub", mul = "Mul", div = "Div" }
    let op: Op

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let a = try input(inputs, 0, op.rawValue), b = try input(inputs, 1, op.rawValue)
        let shape = try broadcastShape(a.shape, b.shape)
        let n = shape.reduce(1, *)
        let ia = broadcastIndex(from: a.shape, to: shape), ib = broadcastIndex(from: b.shape, to: shape)
        if !a.isFloat && !b.isFloat {
            let x = a.ints, y = b.ints
            var out = [Int64](repeating: 0, count: n)
            for k in 0..<n {
                let u = x[ia(k)], v = y[ib(k)]
                switch op {
                case .add: out[k] = u &+ v
                case .sub: out[k] = u &- v
                case .mul: out[k] = u &* v
                case .div: out[k] = v == 0 ? 0 : u / v
                }
            }
            return [Tensor(shape: shape, ints: out)]
        }
        let x = a.floats, y = b.floats
        var out = [Float](repeating: 0, count: n)
        for k in 0..<n {
            let u = x[ia(k)], v = y[ib(k)]
            switch op {
            case .add: out[k] = u + v
            case .sub: out[k] = u - v
            case .mul: out[k] = u * v
            case .div: out[k] = u / v
            }
        }
        return [Tensor(shape: shape, floats: out)]
    }

    private func broadcastShape(_ a: [Int], _ b: [Int]) throws(ModelError) -> [Int] {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard da == db || da == 1 || db == 1 else {
                throw kernelError(op.rawValue, "shapes \(a) and \(b) cannot be broadcast")
            }
            out[i] = da == 1 ? db : da
        }
        return out
    }
}

/// Maps a flat index of the broadcast output shape to a flat index of a source shape.
func broadcastIndex(from source: [Int], to shape: [Int]) -> (Int) -> Int {
    if source == shape { return { $0 } }
    let n = source.reduce(1, *)
    if n == 1 { return { _ in 0 } }
    let rank = shape.count
    let padded = [Int](repeating: 1, count: rank - source.count) + source
    var strides = [Int](repeating: 0, count: rank)
    var step = 1
    for i in Swift.stride(from: rank - 1, through: 0, by: -1) {
        strides[i] = padded[i] == 1 ? 0 : step
        step *= padded[i]
    }
    return { flat in
        var rest = flat, index = 0
        for i in Swift.stride(from: rank - 1, through: 0, by: -1) {
            index += (rest % shape[i]) * strides[i]
            rest /= shape[i]
        }
        return index
    }
}

/// Relu, Sigmoid, Tanh, Identity: element-wise float32 functions (Identity keeps integers).
struct UnaryKernel: ONNXKernel {
    enum Op: String, Sendable { case relu = "Relu", sigmoid = "Sigmoid", tanh = "Tanh", identity = "Identity" }
    let op: Op

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let x = try input(inputs, 0, op.rawValue)
        if op == .identity { return [x] }
        var v = x.floats
        for i in v.indices {
            switch op {
            case .relu: v[i] = max(v[i], 0)
            case .sigmoid: v[i] = logistic(v[i])
            case .tanh: v[i] = tanhf(v[i])
            case .identity: break
            }
        }
        return [Tensor(shape: x.shape, floats: v)]
    }
}

/// onnxruntime's numerically stable float32 logistic.
@inline(__always)
func logistic(_ x: Float) -> Float {
    let v = 1 / (1 + expf(-abs(x)))
    return x < 0 ? 1 - v : v
}

/// Cast to float (1), double (11, held as float32) or an integer / bool type (held as int64).
struct CastKernel: ONNXKernel {
    let to: Int64

    init(_ ctx: ONNXNodeContext) throws(ModelError) {
        to = try ctx.int("to")
        guard [1, 2, 3, 4, 5, 6, 7, 9, 11, 12, 13].contains(to) else {
            throw ctx.error(.unsupported, "Cast to element type \(to) is not supported", attribute: "to")
        }
    }

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let x = try input(inputs, 0, "Cast")
        switch to {
        case 1, 11: return [Tensor(shape: x.shape, floats: x.floats)]
        case 9: return [Tensor(shape: x.shape, ints: x.floats.map { $0 != 0 ? 1 : 0 })]
        default: return [Tensor(shape: x.shape, ints: x.ints)]
        }
    }
}
