import Foundation

/// MatMul of `[..., M, K] × [K, N]` (leading dimensions of A folded), or a 1-D A as `[1, K]`.
struct MatMulKernel: ONNXKernel {
    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let a = try input(inputs, 0, "MatMul"), b = try input(inputs, 1, "MatMul")
        guard a.rank >= 1, b.rank == 2 else {
            throw kernelError("MatMul", "supported shapes are [..., M, K] × [K, N]; got \(a.shape) × \(b.shape)")
        }
        let k = a.shape[a.rank - 1], n = b.shape[1]
        guard b.shape[0] == k else { throw kernelError("MatMul", "inner dimensions differ: \(a.shape) × \(b.shape)") }
        let m = a.count / max(k, 1)
        let out = gemm(a.floats, b.floats, m: m, k: k, n: n, transA: false, transB: false)
        let shape = a.rank == 1 ? [n] : Array(a.shape.dropLast()) + [n]
        return [Tensor(shape: shape, floats: out)]
    }
}

/// Gemm: `alpha · A' × B' + beta · C` with optional transposes and a broadcast C.
struct GemmKernel: ONNXKernel {
    let alpha: Float, beta: Float
    let transA: Bool, transB: Bool

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let a = try input(inputs, 0, "Gemm"), b = try input(inputs, 1, "Gemm")
        guard a.rank == 2, b.rank == 2 else { throw kernelError("Gemm", "A and B must be 2-D; got \(a.shape), \(b.shape)") }
        let m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1]
        let kb = transB ? b.shape[1] : b.shape[0], n = transB ? b.shape[0] : b.shape[1]
        guard k == kb else { throw kernelError("Gemm", "inner dimensions differ: \(a.shape) × \(b.shape)") }
        var out = gemm(a.floats, b.floats, m: m, k: k, n: n, transA: transA, transB: transB)
        if alpha != 1 { for i in out.indices { out[i] *= alpha } }
        if inputs.count > 2, let c = inputs[2] {
            let cv = c.floats
            guard c.shape.count <= 2, broadcastable(c.shape, to: [m, n]) else {
                throw kernelError("Gemm", "C of shape \(c.shape) does not broadcast to [\(m), \(n)]")
            }
            let index = broadcastIndex(from: c.shape, to: [m, n])
            for i in out.indices { out[i] += beta * cv[index(i)] }
        }
        return [Tensor(shape: [m, n], floats: out)]
    }

    private func broadcastable(_ s: [Int], to target: [Int]) -> Bool {
        let padded = [Int](repeating: 1, count: target.count - s.count) + s
        return zip(padded, target).allSatisfy { $0 == $1 || $0 == 1 }
    }
}

/// Plain float32 matrix product, summing over k in order.
func gemm(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int, transA: Bool, transB: Bool) -> [Float] {
    var out = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var sum: Float = 0
            for p in 0..<k {
                let x = transA ? a[p * m + i] : a[i * k + p]
                let y = transB ? b[j * k + p] : b[p * n + j]
                sum += x * y
            }
            out[i * n + j] = sum
        }
    }
    return out
}

/// Scaler (ai.onnx.ml): `y_j = (x_j - offset_j) · scale_j` (a single value applies to every column).
struct ScalerKernel: ONNXKernel {
    let offset: [Float], scale: [Float]

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let x = try input(inputs, 0, "Scaler")
        let c = x.shape.last ?? 1
        guard offset.count == 1 || offset.count == c, scale.count == 1 || scale.count == c else {
            throw kernelError("Scaler", "offset/scale have \(offset.count)/\(scale.count) values for \(c) columns")
        }
        var v = x.floats
        for i in v.indices {
            let j = i % c
            v[i] = (v[i] - offset[offset.count == 1 ? 0 : j]) * scale[scale.count == 1 ? 0 : j]
        }
        return [Tensor(shape: x.shape, floats: v)]
    }
}

/// Normalizer (ai.onnx.ml): each row divided by its MAX, L1 or L2 norm.
struct NormalizerKernel: ONNXKernel {
    enum Norm: String, Sendable { case max = "MAX", l1 = "L1", l2 = "L2" }
    let norm: Norm

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let x = try input(inputs, 0, "Normalizer")
        let c = x.shape.last ?? 1
        var v = x.floats
        for r in 0..<(v.count / max(c, 1)) {
            let row = (r * c)..<((r + 1) * c)
            let d: Float = switch norm {
            case .max: v[row].max() ?? 1
            case .l1: v[row].reduce(0) { $0 + abs($1) }
            case .l2: sqrtf(v[row].reduce(0) { $0 + $1 * $1 })
            }
            if d != 0 { for i in row { v[i] /= d } }
        }
        return [Tensor(shape: x.shape, floats: v)]
    }
}

/// The score transforms shared by linear and tree classifiers.
enum PostTransform: String, Sendable {
    case none = "NONE", logistic = "LOGISTIC", softmax = "SOFTMAX", softmaxZero = "SOFTMAX_ZERO"

    init(_ ctx: ONNXNodeContext) throws(ModelError) {
        let text = try ctx.string("post_transform", default: "NONE")
        guard let value = PostTransform(rawValue: text) else {
            throw ctx.error(.unsupported, "post_transform '\(text)' is not supported", attribute: "post_transform")
        }
        self = value
    }

    /// Transforms `count` scores at `s` in place.
    func apply(_ s: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .none: break
        case .logistic: for i in 0..<count { s[i] = SluiceModels.logistic(s[i]) }
        case .softmax, .softmaxZero:
            var m = -Float.infinity
            for i in 0..<count { m = max(m, s[i]) }
            var sum: Float = 0
            for i in 0..<count where !(self == .softmaxZero && s[i] == 0) { s[i] = expf(s[i] - m); sum += s[i] }
            if sum > 0 { for i in 0..<count where !(self == .softmaxZero && s[i] == 0) { s[i] /= sum } }
        }
    }
}
