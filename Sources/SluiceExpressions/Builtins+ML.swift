import SluiceCore

/// Feature-engineering functions: bucketize, one-hot, hashing.
enum MLBuiltins {
    /// Checks bucket edges: numbers, strictly ascending. Returns them as doubles, or a reason.
    static func edges(_ list: [Value]) -> Result<[Double], RecordError> {
        var out: [Double] = []
        out.reserveCapacity(list.count)
        for v in list {
            guard let d = v.asDouble, !d.isNaN else {
                return .failure(.wrongType("bucketize edges must be numbers, got \(v)", field: nil))
            }
            if let last = out.last, d <= last {
                return .failure(.outOfRange("bucketize edges must be strictly ascending: \(Value.double(last)) then \(v)"))
            }
            out.append(d)
        }
        return .success(out)
    }

    /// Index of the bucket holding `x`: the number of edges `<= x`. Buckets are closed on the left:
    /// with edges [10, 100], 9.9 → 0, 10 → 1, 99 → 1, 100 → 2.
    static func bucket(_ x: Value, _ edges: [Double]) throws(RecordError) -> Value {
        let v = x.asDouble!
        guard !v.isNaN else { throw .outOfRange("bucketize(NaN) has no bucket") }
        var lo = 0
        var hi = edges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if edges[mid] <= v { lo = mid + 1 } else { hi = mid }
        }
        return .int(Int64(lo))
    }

    static let bucketize: FunctionBody.Binary = { x, list throws(RecordError) in
        guard case .array(let items) = list else { return .null }
        return try bucket(x, edges(list: items))
    }

    private static func edges(list: [Value]) throws(RecordError) -> [Double] {
        switch edges(list) {
        case .success(let e): return e
        case .failure(let error): throw error
        }
    }

    /// `[1 if x == c else 0 for c in categories]`; a value in no category gives all zeros.
    static func oneHot(_ x: Value, _ categories: [Value]) -> Value {
        .array(categories.map { .int(Value.looselyEqual(x, $0) ? 1 : 0) })
    }

    static let oneHotBody: FunctionBody.Binary = { x, list in
        guard case .array(let items) = list else { return .null }
        return oneHot(x, items)
    }

    /// 64-bit FNV-1a over the UTF-8 bytes of the value's text: stable across runs, hosts and languages.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    static let hashBucket: FunctionBody.Binary = { x, n throws(RecordError) in
        let buckets = n.asInt!
        guard buckets > 0 else { throw .outOfRange("hash_bucket needs n > 0, got \(buckets)") }
        return .int(Int64(fnv1a(x.expressionText) % UInt64(buckets)))
    }
}
