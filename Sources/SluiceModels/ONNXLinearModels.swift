/// LinearClassifier (ai.onnx.ml): `score_c = Σ_j x_j·coef[c][j] + intercept_c`, label = argmax,
/// scores transformed by `post_transform`. With one coefficient row and two labels (binary) the
/// scores are `[-s, s]` (`[1-L(s), L(s)]` with LOGISTIC) and the label is `s > 0`.
struct LinearClassifierKernel: ONNXKernel {
    let coefficients: [Float]
    let intercepts: [Float]
    let labels: [Int64]
    let classes: Int
    let transform: PostTransform

    init(_ ctx: ONNXNodeContext) throws(ModelError) {
        coefficients = try ctx.requiredFloats("coefficients")
        intercepts = try ctx.floats("intercepts") ?? []
        if ctx.strings("classlabels_strings")?.isEmpty == false {
            throw ctx.error(.unsupported, "string class labels are not supported (numeric outputs only)",
                            attribute: "classlabels_strings")
        }
        transform = try PostTransform(ctx)
        guard try ctx.int("multi_class", default: 0) == 0 else {
            throw ctx.error(.unsupported, "multi_class=1 is not supported", attribute: "multi_class")
        }
        let ints = ctx.ints("classlabels_ints") ?? []
        classes = intercepts.isEmpty ? max(ints.count, 1) : intercepts.count
        labels = ints.isEmpty ? (0..<Int64(max(classes, 2))).map { $0 } : ints
        guard classes > 0, !coefficients.isEmpty, coefficients.count % classes == 0 else {
            throw ctx.error(.invalidField, "\(coefficients.count) coefficients do not divide into \(classes) classes",
                            attribute: "coefficients")
        }
        guard classes == labels.count || (classes == 1 && labels.count == 2) else {
            throw ctx.error(.invalidField, "\(classes) coefficient rows for \(labels.count) class labels",
                            attribute: "classlabels_ints")
        }
    }

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let x = try input(inputs, 0, "LinearClassifier")
        let f = coefficients.count / classes
        guard x.rank == 2, x.shape[1] == f else { throw kernelError("LinearClassifier", "input \(x.shape) is not [N, \(f)]") }
        let v = x.floats, n = x.shape[0]
        let width = classes == 1 ? 2 : classes
        var scores = [Float](repeating: 0, count: n * width)
        var out = [Int64](repeating: 0, count: n)
        var row = [Float](repeating: 0, count: classes)
        for r in 0..<n {
            for c in 0..<classes {
                var s: Float = 0
                for j in 0..<f { s += v[r * f + j] * coefficients[c * f + j] }
                row[c] = s + (intercepts.isEmpty ? 0 : intercepts[c])
            }
            if classes == 1 {
                out[r] = row[0] > 0 ? labels[1] : labels[0]
                if transform == .logistic {
                    let p = logistic(row[0])
                    scores[r * 2] = 1 - p; scores[r * 2 + 1] = p
                } else {
                    scores[r * 2] = -row[0]; scores[r * 2 + 1] = row[0]
                }
            } else {
                var best = 0
                for c in 1..<classes where row[c] > row[best] { best = c }
                out[r] = labels[best]
                for c in 0..<classes { scores[r * width + c] = row[c] }
                scores.withUnsafeMutableBufferPointer { transform.apply($0.baseAddress! + r * width, count: classes) }
            }
        }
        return [Tensor(shape: [n], ints: out), Tensor(shape: [n, width], floats: scores)]
    }
}

/// LinearRegressor (ai.onnx.ml): `y_t = Σ_j x_j·coef[t][j] + intercept_t`.
struct LinearRegressorKernel: ONNXKernel {
    let coefficients: [Float]
    let intercepts: [Float]
    let targets: Int

    init(_ ctx: ONNXNodeContext) throws(ModelError) {
        coefficients = try ctx.requiredFloats("coefficients")
        intercepts = try ctx.floats("intercepts") ?? []
        targets = Int(try ctx.int("targets", default: 1))
        guard try PostTransform(ctx) == .none else {
            throw ctx.error(.unsupported, "only post_transform NONE is supported", attribute: "post_transform")
        }
        guard targets > 0, !coefficients.isEmpty, coefficients.count % targets == 0,
              intercepts.isEmpty || intercepts.count == targets else {
            throw ctx.error(.invalidField, "coefficients/intercepts do not fit \(targets) targets", attribute: "coefficients")
        }
    }

    func run(_ inputs: [Tensor?]) throws(ModelError) -> [Tensor] {
        let x = try input(inputs, 0, "LinearRegressor")
        let f = coefficients.count / targets
        guard x.rank == 2, x.shape[1] == f else { throw kernelError("LinearRegressor", "input \(x.shape) is not [N, \(f)]") }
        let v = x.floats, n = x.shape[0]
        var out = [Float](repeating: 0, count: n * targets)
        for r in 0..<n {
            for t in 0..<targets {
                var s: Float = 0
                for j in 0..<f { s += v[r * f + j] * coefficients[t * f + j] }
                out[r * targets + t] = s + (intercepts.isEmpty ? 0 : intercepts[t])
            }
        }
        return [Tensor(shape: [n, targets], floats: out)]
    }
}
