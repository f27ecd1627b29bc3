/// Builds the kernel for one graph node, or fails naming the unsupported operator.
enum ONNXKernelFactory {
    static let coreOps = ["MatMul", "Gemm", "Add", "Sub", "Mul", "Div", "Relu", "Sigmoid", "Tanh", "Softmax",
                          "Cast", "Identity", "Flatten", "Reshape", "Concat", "ArgMax"]
    static let mlOps = ["TreeEnsembleClassifier", "TreeEnsembleRegressor", "LinearClassifier", "LinearRegressor",
                        "Scaler", "Normalizer", "ArrayFeatureExtractor"]

    /// The kernel and the number of outputs it produces.
    static func make(_ ctx: ONNXNodeContext) throws(ModelError) -> (any ONNXKernel, Int) {
        let node = ctx.node
        switch node.domain {
        case "", "ai.onnx": return try core(ctx)
        case "ai.onnx.ml": return try ml(ctx)
        default:
            throw ctx.error(.unsupported, "operator domain '\(node.domain)' is not supported (only ai.onnx and ai.onnx.ml)")
        }
    }

    private static func core(_ ctx: ONNXNodeContext) throws(ModelError) -> (any ONNXKernel, Int) {
        switch ctx.node.opType {
        case "Add", "Sub", "Mul", "Div":
            try ctx.inputs(min: 2, max: 2)
            return (BinaryKernel(op: BinaryKernel.Op(rawValue: ctx.node.opType)!), 1)
        case "Relu", "Sigmoid", "Tanh", "Identity":
            try ctx.inputs(min: 1, max: 1)
            return (UnaryKernel(op: UnaryKernel.Op(rawValue: ctx.node.opType)!), 1)
        case "MatMul":
            try ctx.inputs(min: 2, max: 2)
            return (MatMulKernel(), 1)
        case "Gemm":
            try ctx.inputs(min: 2, max: 3)
            return (GemmKernel(alpha: ctx.float("alpha", default: 1), beta: ctx.float("beta", default: 1),
                               transA: try ctx.int("transA", default: 0) != 0,
                               transB: try ctx.int("transB", default: 0) != 0), 1)
        case "Softmax":
            try ctx.inputs(min: 1, max: 1)
            let legacy = ctx.opset > 0 && ctx.opset < 13
            return (SoftmaxKernel(axis: try ctx.int("axis", default: legacy ? 1 : -1), legacy: legacy), 1)
        case "Cast":
            try ctx.inputs(min: 1, max: 1)
            return (try CastKernel(ctx), 1)
        case "Flatten":
            try ctx.inputs(min: 1, max: 1)
            return (FlattenKernel(axis: try ctx.int("axis", default: 1)), 1)
        case "Reshape":
            let shape = ctx.ints("shape")
            try ctx.inputs(min: shape == nil ? 2 : 1, max: 2)
            return (ReshapeKernel(attributeShape: shape, allowZero: try ctx.int("allowzero", default: 0) != 0), 1)
        case "Concat":
            try ctx.inputs(min: 1, max: 1 << 16)
            return (ConcatKernel(axis: try ctx.int("axis")), 1)
        case "ArgMax":
            try ctx.inputs(min: 1, max: 1)
            return (ArgMaxKernel(axis: try ctx.int("axis", default: 0), keepDims: try ctx.int("keepdims", default: 1) != 0,
                                 selectLast: try ctx.int("select_last_index", default: 0) != 0), 1)
        default:
            throw ctx.error(.unsupported,
                            "operator ai.onnx::\(ctx.node.opType) is not supported (supported: \(coreOps.joined(separator: ", ")))")
        }
    }

    private static func ml(_ ctx: ONNXNodeContext) throws(ModelError) -> (any ONNXKernel, Int) {
        switch ctx.node.opType {
        case "TreeEnsembleClassifier":
            try ctx.inputs(min: 1, max: 1)
            return (try TreeEnsembleClassifierKernel(ctx), 2)
        case "TreeEnsembleRegressor":
            try ctx.inputs(min: 1, max: 1)
            return (try TreeEnsembleRegressorKernel(ctx), 1)
        case "LinearClassifier":
            try ctx.inputs(min: 1, max: 1)
            return (try LinearClassifierKernel(ctx), 2)
        case "LinearRegressor":
            try ctx.inputs(min: 1, max: 1)
            return (try LinearRegressorKernel(ctx), 1)
        case "Scaler":
            try ctx.inputs(min: 1, max: 1)
            let offset = try ctx.floats("offset") ?? [0], scale = try ctx.floats("scale") ?? [1]
            guard !offset.isEmpty, !scale.isEmpty else {
                throw ctx.error(.invalidField, "offset and scale must not be empty", attribute: "scale")
            }
            return (ScalerKernel(offset: offset, scale: scale), 1)
        case "Normalizer":
            try ctx.inputs(min: 1, max: 1)
            let text = try ctx.string("norm", default: "MAX")
            guard let norm = NormalizerKernel.Norm(rawValue: text) else {
                throw ctx.error(.invalidField, "norm '\(text)' must be MAX, L1 or L2", attribute: "norm")
            }
            return (NormalizerKernel(norm: norm), 1)
        case "ArrayFeatureExtractor":
            try ctx.inputs(min: 2, max: 2)
            return (ArrayFeatureExtractorKernel(), 1)
        default:
            throw ctx.error(.unsupported,
                            "operator ai.onnx.ml::\(ctx.node.opType) is not supported (supported: \(mlOps.joined(separator: ", ")))")
        }
    }
}
