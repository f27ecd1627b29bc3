import Foundation

/// Flatten: `[d0..dk-1, dk..]` → `[Π d<axis, Π d>=axis]`.
struct FlattenKernel: ONNXKernel {
    let axis: Int64

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        var x = try input(inputs, 0, "Flatten")
        let a = axis < 0 ? Int(axis) + x.rank : Int(axis)
        guard a >= 0, a <= x.rank else { throw kernelError("Flatten", "axis \(axis) out of range for rank \(x.rank)") }
        x.shape = [x.shape[..<a].reduce(1, *), x.shape[a...].reduce(1, *)]
        return [x]
    }
}

/// Reshape with a shape input (opset >= 5) or attribute (older): 0 copies a dimension, -1 is inferred.
struct ReshapeKernel: ONNXKernel {
    let attributeShape: [Int64]?
    let allowZero: Bool

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        var x = try input(inputs, 0, "Reshape")
        let target: [Int64]
        if let attributeShape { target = attributeShape } else { target = try input(inputs, 1, "Reshape").ints }
        var shape = [Int]()
        var inferred: Int?
        for (i, d) in target.enumerated() {
            if d == -1 {
                guard inferred == nil else { throw kernelError("Reshape", "more than one -1 in shape \(target)") }
                inferred = i
                shape.append(1)
            } else if d == 0 && !allowZero {
                guard i < x.rank else { throw kernelError("Reshape", "0 at position \(i) but the input has rank \(x.rank)") }
                shape.append(x.shape[i])
            } else {
                guard d >= 0 else { throw kernelError("Reshape", "invalid dimension \(d)") }
                shape.append(Int(d))
            }
        }
        let known = shape.reduce(1, *)
        if let inferred {
            guard known > 0, x.count % known == 0 else { throw kernelError("Reshape", "cannot reshape \(x.shape) to \(target)") }
            shape[inferred] = x.count / known
        }
        guard shape.reduce(1, *) == x.count else { throw kernelError("Reshape", "cannot reshape \(x.shape) to \(target)") }
        x.shape = shape
        return [x]
    }
}

/// Concat along `axis`; all inputs must be float or all integer.
struct ConcatKernel: ONNXKernel {
    let axis: Int64

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let parts = inputs.compactMap { $0 }
        guard let first = parts.first else { throw kernelError("Concat", "no inputs") }
        let a = try normalizedAxis(axis, rank: first.rank, "Concat")
        let outer = first.shape[..<a].reduce(1, *)
        var total = 0
        for p in parts {
            guard p.rank == first.rank, p.shape[..<a] == first.shape[..<a], p.shape[(a + 1)...] == first.shape[(a + 1)...] else {
                throw kernelError("Concat", "shapes \(parts.map(\.shape)) differ outside axis \(a)")
            }
            total += p.shape[a]
        }
        var shape = first.shape
        shape[a] = total
        let useFloat = parts.contains { $0.isFloat }
        if useFloat {
            var out = [Float](); out.reserveCapacity(shape.reduce(1, *))
            let data = parts.map { ($0.floats, $0.shape[a...].reduce(1, *)) }
            for o in 0..<outer { for (v, block) in data { out.append(contentsOf: v[(o * block)..<((o + 1) * block)]) } }
            return [Tensor(shape: shape, floats: out)]
        }
        var out = [Int64](); out.reserveCapacity(shape.reduce(1, *))
        let data = parts.map { ($0.ints, $0.shape[a...].reduce(1, *)) }
        for o in 0..<outer { for (v, block) in data { out.append(contentsOf: v[(o * block)..<((o + 1) * block)]) } }
        return [Tensor(shape: shape, ints: out)]
    }
}

/// ArgMax / ArgMin-free ArgMax along `axis` (int64 output), first or last maximum.
struct ArgMaxKernel: ONNXKernel {
    let axis: Int64
    let keepDims: Bool
    let selectLast: Bool

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let x = try input(inputs, 0, "ArgMax")
        let a = try normalizedAxis(axis, rank: x.rank, "ArgMax")
        let v = x.floats
        let outer = x.shape[..<a].reduce(1, *), n = x.shape[a], inner = x.shape[(a + 1)...].reduce(1, *)
        guard n > 0 else { throw kernelError("ArgMax", "empty axis") }
        var out = [Int64](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0
                var bestValue = v[o * n * inner + i]
                for k in 1..<max(n, 1) {
                    let value = v[(o * n + k) * inner + i]
                    if value > bestValue || (selectLast && value == bestValue) { best = k; bestValue = value }
                }
                out[o * inner + i] = Int64(best)
            }
        }
        var shape = x.shape
        if keepDims { shape[a] = 1 } else { shape.remove(at: a) }
        return [Tensor(shape: shape, ints: out)]
    }
}

/// ArrayFeatureExtractor (ai.onnx.ml): gathers `X[..., indices]` on the last axis
/// (a 1-D `X` gives shape `[1, k]`, as onnxruntime does).
struct ArrayFeatureExtractorKernel: ONNXKernel {
    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let x = try input(inputs, 0, "ArrayFeatureExtractor")
        let indices = try input(inputs, 1, "ArrayFeatureExtractor").ints
        guard let last = x.shape.last else { throw kernelError("ArrayFeatureExtractor", "input is a scalar") }
        for i in indices where i < 0 || i >= last {
            throw kernelError("ArrayFeatureExtractor", "index \(i) is out of range 0..<\(last)")
        }
        let outer = x.count / max(last, 1)
        let shape = x.rank == 1 ? [1, indices.count] : Array(x.shape.dropLast()) + [indices.count]
        func gather<T>(_ v: [T]) -> [T] {
            var out = [T](); out.reserveCapacity(outer * indices.count)
            for o in 0..<outer { for i in indices { out.append(v[o * last + Int(i)]) } }
            return out
        }
        switch x.storage {
        case .float(let v): return [Tensor(shape: shape, floats: gather(v))]
        case .int64(let v): return [Tensor(shape: shape, ints: gather(v))]
        }
    }
}

/// Softmax: opset >= 13 normalises along `axis` (default -1); older opsets flatten to 2-D at `axis` (default 1).
struct SoftmaxKernel: ONNXKernel {
    let axis: Int64
    let legacy: Bool

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let x = try input(inputs, 0, "Softmax")
        let a = try normalizedAxis(axis, rank: x.rank, "Softmax")
        var v = x.floats
        let outer: Int, n: Int, inner: Int
        if legacy {
            (outer, n, inner) = (x.shape[..<a].reduce(1, *), x.shape[a...].reduce(1, *), 1)
        } else {
            (outer, n, inner) = (x.shape[..<a].reduce(1, *), x.shape[a], x.shape[(a + 1)...].reduce(1, *))
        }
        for o in 0..<outer {
            for i in 0..<inner {
                let at = { (k: Int) in (o * n + k) * inner + i }
                var m = -Float.infinity
                for k in 0..<n { m = max(m, v[at(k)]) }
                var sum: Float = 0
                for k in 0..<n { v[at(k)] = expf(v[at(k)] - m); sum += v[at(k)] }
                for k in 0..<n { v[at(k)] /= sum }
            }
        }
        return [Tensor(shape: x.shape, floats: v)]
    }
}
