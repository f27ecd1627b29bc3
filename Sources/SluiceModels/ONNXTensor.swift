/// A runtime tensor of the ONNX interpreter: row-major, float32 or int64 elements.
///
/// Integer types of every width (and bool) are held as int64; double tensors are computed in
/// float32 (the scikit-learn exports this engine targets are float32 end to end).
struct Tensor: Sendable {
    enum Storage: Sendable {
        case float([Float])
        case int64([Int64])
    }

    var shape: [Int]
    var storage: Storage

    init(shape: [Int], floats: [Float]) { self.shape = shape; storage = .float(floats) }
    init(shape: [Int], ints: [Int64]) { self.shape = shape; storage = .int64(ints) }

    var count: Int { shape.reduce(1, *) }
    var rank: Int { shape.count }
    var isFloat: Bool { if case .float = storage { true } else { false } }

    /// Elements as float32 (int64 converted).
    var floats: [Float] {
        switch storage {
        case .float(let v): v
        case .int64(let v): v.map { Float($0) }
        }
    }

    /// Elements as int64 (float32 truncated toward zero; NaN and out-of-range become Int64.min).
    var ints: [Int64] {
        switch storage {
        case .int64(let v): v
        case .float(let v): v.map { $0.isFinite && abs($0) < 9.2e18 ? Int64($0) : Int64.min }
        }
    }

    /// Elements as doubles, for writing scores.
    func double(at i: Int) -> Double {
        switch storage {
        case .float(let v): Double(v[i])
        case .int64(let v): Double(v[i])
        }
    }
}

extension Tensor {
    /// Converts an initializer or attribute tensor.
    init(proto: ONNXTensorProto, context: String) throws(ModelError) {
        let detail = "\(context) tensor '\(proto.name)'"
        guard !proto.external else {
            throw ModelError(.unsupported, "tensors with external data are not supported; embed the weights", detail: detail)
        }
        var shape = [Int]()
        for d in proto.dims {
            guard d >= 0, d < 1 << 31 else { throw ModelError(.invalidField, "invalid dimension \(d)", detail: detail) }
            shape.append(Int(d))
        }
        let (product, overflow) = shape.reduce((1, false)) { acc, d in
            let (m, o) = acc.0.multipliedReportingOverflow(by: d)
            return (m, acc.1 || o)
        }
        guard !overflow, product < 1 << 31 else { throw ModelError(.invalidField, "tensor is too large", detail: detail) }
        let raw = proto.rawData
        func rawWords(_ size: Int) throws(ModelError) -> [UInt64] {
            guard let raw else { return [] }
            guard raw.count == product * size else {
                throw ModelError(.invalidField, "raw_data has \(raw.count) bytes for \(product) elements of \(size) bytes",
                                 detail: detail)
            }
            var out = [UInt64](repeating: 0, count: product)
            for i in 0..<product {
                var v: UInt64 = 0
                for b in 0..<size { v |= UInt64(raw[i * size + b]) << (8 * UInt64(b)) }
                out[i] = v
            }
            return out
        }
        switch proto.dataType {
        case 1: // FLOAT
            let values = raw != nil ? try rawWords(4).map { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) } : proto.floatData
            self.init(shape: shape, floats: values)
        case 11: // DOUBLE
            let values = raw != nil ? try rawWords(8).map { Double(bitPattern: $0) } : proto.doubleData
            self.init(shape: shape, floats: values.map { Float($0) })
        case 7, 13: // INT64, UINT64
            let stored = proto.dataType == 7 ? proto.int64Data : proto.uint64Data
            self.init(shape: shape, ints: raw != nil ? try rawWords(8).map { Int64(bitPattern: $0) } : stored)
        case 2, 3, 4, 5, 6, 9, 12: // UINT8, INT8, UINT16, INT16, INT32, BOOL, UINT32
            let size: Int = switch proto.dataType { case 2, 3, 9: 1; case 4, 5: 2; default: 4 }
            let signed = proto.dataType == 3 || proto.dataType == 5 || proto.dataType == 6
            if raw != nil {
                let bits = 8 * size
                self.init(shape: shape, ints: try rawWords(size).map { w in
                    signed ? Int64(bitPattern: w << UInt64(64 - bits)) >> Int64(64 - bits) : Int64(w)
                })
            } else {
                let source = proto.dataType == 12 ? proto.uint64Data : proto.int32Data
                self.init(shape: shape, ints: source)
            }
        default:
            throw ModelError(.unsupported, "tensor element type \(proto.dataType) is not supported (float, double, integers, bool)",
                             detail: detail)
        }
        guard count == (isFloat ? floats.count : ints.count) else {
            throw ModelError(.invalidField, "tensor has \(isFloat ? floats.count : ints.count) values for shape \(shape)",
                             detail: detail)
        }
    }
}
