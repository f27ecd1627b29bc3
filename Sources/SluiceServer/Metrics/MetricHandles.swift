import Atomics
import Foundation

/// A monotonically increasing count. Resolve once, then increment from any thread: one atomic add.
public final class Counter: Sendable {
    private let atomic = ManagedAtomic<UInt64>(0)

    init() {}

    /// Adds `amount` (must not be negative: counters only go up).
    @inline(__always)
    public func increment(by amount: Int = 1) {
        precondition(amount >= 0, "a counter cannot decrease")
        atomic.wrappingIncrement(by: UInt64(amount), ordering: .relaxed)
    }

    public var value: UInt64 { atomic.load(ordering: .relaxed) }
}

/// A value that goes up and down. Stored as the bit pattern of a `Double` in one atomic word.
public final class Gauge: Sendable {
    private let bits = ManagedAtomic<UInt64>(0.0.bitPattern)

    init() {}

    @inline(__always)
    public func set(_ value: Double) { bits.store(value.bitPattern, ordering: .relaxed) }

    public func set(_ value: Int) { set(Double(value)) }

    /// Adds `delta` atomically (compare-and-swap loop, so concurrent adds are not lost).
    public func add(_ delta: Double) {
        var current = bits.load(ordering: .relaxed)
        while true {
            let next = (Double(bitPattern: current) + delta).bitPattern
            let (exchanged, original) = bits.weakCompareExchange(
                expected: current, desired: next, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    public var value: Double { Double(bitPattern: bits.load(ordering: .relaxed)) }
}

/// A distribution over fixed buckets. One lock per series guards counts and sum together, so a scrape
/// never sees a sum that disagrees with the count; batch observations take the lock once.
public final class Histogram: @unchecked Sendable {
    /// Upper bounds, ascending; an implicit `+Inf` bucket follows.
    public let upperBounds: [Double]
    private let lock = NSLock()
    // Guarded by `lock`. Per-bucket (non-cumulative) counts; the last slot is `+Inf`.
    private var counts: [UInt64]
    private var sum: Double = 0
    private var count: UInt64 = 0

    init(upperBounds: [Double]) {
        self.upperBounds = upperBounds
        self.counts = [UInt64](repeating: 0, count: upperBounds.count + 1)
    }

    @inline(__always)
    private func bucketIndex(_ value: Double) -> Int {
        // Few buckets (≈16): a linear scan beats binary search and keeps NaN in `+Inf`.
        for i in 0..<upperBounds.count where value <= upperBounds[i] { return i }
        return upperBounds.count
    }

    public func observe(_ value: Double) {
        let i = bucketIndex(value)
        lock.lock()
        counts[i] &+= 1
        sum += value
        count &+= 1
        lock.unlock()
    }

    /// Records `occurrences` observations of the same value (a batch that shared one timing).
    public func observe(_ value: Double, occurrences: Int) {
        guard occurrences > 0 else { return }
        let i = bucketIndex(value)
        lock.lock()
        counts[i] &+= UInt64(occurrences)
        sum += value * Double(occurrences)
        count &+= UInt64(occurrences)
        lock.unlock()
    }

    /// Records many values under one lock acquisition.
    public func observe(contentsOf values: some Collection<Double>) {
        guard !values.isEmpty else { return }
        let indices = values.map(bucketIndex)  // bucket lookup outside the lock
        var total = 0.0
        for v in values { total += v }
        lock.lock()
        for i in indices { counts[i] &+= 1 }
        sum += total
        count &+= UInt64(values.count)
        lock.unlock()
    }

    /// A consistent copy: cumulative bucket counts (last is `+Inf`), sum and count.
    public func snapshot() -> (cumulative: [UInt64], sum: Double, count: UInt64) {
        lock.lock()
        let c = counts, s = sum, n = count
        lock.unlock()
        var running: UInt64 = 0
        return (c.map { running &+= $0; return running }, s, n)
    }
}
