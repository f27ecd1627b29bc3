import CPrefetch
import SluiceCore
import SluiceStats

/// variance / stddev over SluiceStats' Welford (mergeable with Chan's formula).
struct MomentsAcc: Accumulator {
    var w = Welford()
    let sample: Bool
    let std: Bool
    init(_ function: AggregateFunction) {
        switch function {
        case .variance(let s): sample = s; std = false
        case .stddev(let s): sample = s; std = true
        default: sample = false; std = false
        }
    }
    mutating func add(_ e: Entry) { w.add(e.num) }
    mutating func merge(_ o: MomentsAcc) { w.merge(o.w) }
    func result(at t: Int64) -> Value {
        if w.count == 0 || (sample && w.count < 2) { return .null }
        let v = sample ? w.sampleVariance : w.populationVariance
        return .double(std ? v.squareRoot() : v)
    }
    func encode(into w: inout StateWriter) { w.blob(self.w.serialized()) }
    init(decoding r: inout StateReader, _ function: AggregateFunction) throws(FeatureError) {
        self.init(function)
        let blob = try r.blob()
        w = try statsDecode { () throws(StatsError) in try Welford(serialized: blob) }
    }
}

/// decayed_sum / decayed_mean over SluiceStats' DecayedSum, on event time in ms.
struct DecayedAcc: Accumulator {
    var d: DecayedSum
    let isMean: Bool
    init(_ function: AggregateFunction) {
        var h: Int64 = 1
        switch function {
        case .decayedSum(let x): h = x; isMean = false
        case .decayedMean(let x): h = x; isMean = true
        default: isMean = false
        }
        // Validated positive at configuration time, so this cannot fail.
        d = (try? DecayedSum(halfLife: Double(Swift.max(h, 1))))!
    }
    mutating func add(_ e: Entry) { d.add(e.num, at: Double(e.time)) }
    mutating func merge(_ o: DecayedAcc) { try? d.merge(o.d) }
    func result(at t: Int64) -> Value {
        if isMean { return d.mean.map(Value.double) ?? .null }
        return .double(d.weight == 0 ? 0 : d.sum(at: Double(t)))
    }
    func encode(into w: inout StateWriter) { w.blob(d.serialized()) }
    init(decoding r: inout StateReader, _ function: AggregateFunction) throws(FeatureError) {
        self.init(function)
        let blob = try r.blob()
        d = try statsDecode { () throws(StatsError) in try DecayedSum(serialized: blob) }
    }
}

/// distinct: an exact set of 64-bit hashes while it is no larger than the HyperLogLog would be
/// (2^p / 8 hashes, at least 64), then SluiceStats' HyperLogLog. Most keys see few distinct values per
/// window, so this is both smaller and exact for them.
///
/// The value is a function of the set of hashes alone (exact iff at most `sparseLimit` of them; the
/// HyperLogLog's registers are maxima), so hashes may be inserted in any order and late: `pending`
/// holds hashes added by `addSettled` that are not in the set yet. Why: a pane's settled state is read
/// only by partial-pane queries and snapshots, so inserting every settled event into a second hash
/// table (a cache miss per event) is mostly wasted; appending to a list is not.
struct DistinctAcc: Accumulator {
    /// The state is a function of the set of hashes (see above).
    static var isOrderInsensitive: Bool { true }
    var sparse = HashSet64()
    var hll: HyperLogLog?
    /// Hashes that belong to the set but were not inserted yet (see above).
    var pending: [UInt64] = []
    let precision: Int
    init(_ function: AggregateFunction) {
        if case .distinct(let p) = function { precision = p } else { precision = 12 }
    }
    static func sparseLimit(precision p: Int) -> Int { Swift.max(64, (1 << p) / 8) }
    /// Deferred hashes are inserted once this many are waiting (bounds their memory).
    static let pendingLimit = 256
    var sparseLimit: Int { Self.sparseLimit(precision: precision) }
    mutating func add(_ e: Entry) { insert(e.bits) }
    static var prefetches: Bool { true }
    /// A pane's full state probes its set for the hash; its settled state appends deferred hashes to
    /// `pending` (the header and first elements of that buffer are fetched: its count is not known yet).
    mutating func prefetch(for e: Entry) {
        if hll == nil { sparse.prefetch(e.bits) }
        prefetchArrayElement(pending, 0, stride: 0)
        prefetchArrayElement(pending, 4, stride: MemoryLayout<UInt64>.stride)
    }
    mutating func addSettled(_ e: Entry) {
        if pending.capacity == 0 { pending.reserveCapacity(RawLog<Entry>.initialCapacity) }
        pending.append(e.bits)
        if pending.count >= Self.pendingLimit { flushPending() }
    }
    mutating func insert(_ h: UInt64) {
        if hll != nil { hll!.add(hash: h); return }
        if sparse.insert(h) && sparse.count > sparseLimit { densify() }
    }
    mutating func flushPending() {
        guard !pending.isEmpty else { return }
        for h in pending { insert(h) }
        pending.clearKeepingCapacity()
    }
    /// This state with every pending hash inserted.
    var flushed: DistinctAcc {
        var c = self
        c.flushPending()
        return c
    }
    mutating func densify() {
        var h = (try? HyperLogLog(precision: precision))!
        sparse.forEach { h.add(hash: $0) }
        hll = h
        sparse = HashSet64()
    }
    mutating func merge(_ o: DistinctAcc) {
        if let oh = o.hll {
            if hll == nil { densify() }
            try? hll!.merge(oh)
        } else {
            // Set union and register maxima do not depend on the insertion order.
            o.sparse.forEach { insert($0) }
        }
        for h in o.pending { insert(h) }
    }
    func result(at t: Int64) -> Value {
        if !pending.isEmpty { return flushed.result(at: t) }
        // The dense estimate reads the HyperLogLog's rank histogram: O(64 − p) per read.
        if let hll { return .int(Int64(hll.estimate.rounded())) }
        return .int(Int64(sparse.count))
    }
    /// The set's canonical form: the HyperLogLog, or the sorted distinct hashes. Pending hashes are merged
    /// into the sorted list rather than into a copy of the set (a checkpoint encodes every changed key, and
    /// copying a set to flush it copies its whole table).
    func encode(into w: inout StateWriter) {
        if let hll {
            if !pending.isEmpty { return flushed.encode(into: &w) }
            w.u8(1); w.blob(hll.serialized())
            return
        }
        var hashes = sparse.sorted()
        if !pending.isEmpty {
            hashes.append(contentsOf: pending)
            hashes.sort()
            hashes.removeAdjacentDuplicates()
            // Flushed, this set would have become a HyperLogLog.
            if hashes.count > sparseLimit { return flushed.encode(into: &w) }
        }
        w.u8(0); w.u32(UInt32(hashes.count))
        for x in hashes { w.u64(x) }
    }
    init(decoding r: inout StateReader, _ function: AggregateFunction) throws(FeatureError) {
        self.init(function)
        if try r.bool() {
            let blob = try r.blob()
            let h = try statsDecode { () throws(StatsError) in try HyperLogLog(serialized: blob) }
            guard h.precision == precision else { throw FeatureError(.incompatibleState, "stored HyperLogLog precision differs") }
            hll = h
        } else {
            let n = try r.count(minSize: 8)
            for _ in 0..<n { sparse.insert(try r.u64()) }
        }
    }
}

/// quantile: exact up to `k` values, then SluiceStats' KLL sketch. Both answer the lower quantile
/// (smallest value whose cumulative fraction reaches q), so the switch does not change semantics.
struct QuantileAcc: Accumulator {
    var exact: [Double] = []
    var kll: KLLSketch?
    let q: Double
    let k: Int
    init(_ function: AggregateFunction) {
        if case .quantile(let q, let k) = function { self.q = q; self.k = k } else { q = 0.5; k = 200 }
    }
    mutating func add(_ e: Entry) { insert(e.num) }
    mutating func insert(_ x: Double) {
        if x.isNaN { return }
        if kll != nil { kll!.add(x); return }
        exact.append(x)
        if exact.count > k { toSketch() }
    }
    mutating func toSketch() {
        var s = (try? KLLSketch(k: k))!
        for x in exact { s.add(x) }
        kll = s
        exact = []
    }
    mutating func merge(_ o: QuantileAcc) {
        if let os = o.kll {
            if kll == nil { toSketch() }
            kll!.merge(os)
        } else {
            for x in o.exact { insert(x) }
        }
    }
    func result(at t: Int64) -> Value {
        if let kll { return kll.quantile(q).map(Value.double) ?? .null }
        guard !exact.isEmpty else { return .null }
        let s = exact.sorted()
        let n = Double(s.count)
        // Same comparison as EmpiricalCDF.quantile: smallest i with (i + 1) / n >= q.
        var lo = 0, hi = s.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if Double(mid + 1) / n >= q { hi = mid } else { lo = mid + 1 }
        }
        return .double(s[lo])
    }
    func encode(into w: inout StateWriter) {
        if let kll { w.u8(1); w.blob(kll.serialized()) } else {
            w.u8(0); w.u32(UInt32(exact.count))
            for x in exact { w.f64(x) }
        }
    }
    init(decoding r: inout StateReader, _ function: AggregateFunction) throws(FeatureError) {
        self.init(function)
        if try r.bool() {
            let blob = try r.blob()
        kll = try statsDecode { () throws(StatsError) in try KLLSketch(serialized: blob) }
        } else {
            let n = try r.count(minSize: 8)
            for _ in 0..<n { exact.append(try r.f64()) }
        }
    }
}

/// Maps a SluiceStats decoding failure to a feature-state error.
func statsDecode<T>(_ body: () throws(StatsError) -> T) throws(FeatureError) -> T {
    do { return try body() } catch {
        throw FeatureError(.corruptState, "stored sketch is corrupt: \(error.message)")
    }
}

extension Array where Element: Equatable {
    /// Keeps the first of each run of equal neighbours (on a sorted array: removes duplicates).
    mutating func removeAdjacentDuplicates() {
        guard count > 1 else { return }
        var kept = 1
        for i in 1..<count where self[i] != self[kept - 1] {
            self[kept] = self[i]
            kept += 1
        }
        removeLast(count - kept)
    }
}
