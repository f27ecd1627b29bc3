/// Keys waiting for a window to close, grouped by due watermark (window end + grace).
///
/// Many keys share a due time (every key's minute window ends on the same minute), so keys are
/// bucketed per due time and only distinct due times go through the heap. A bucket comes out with
/// its keys sorted by bytes, so windows closing at the same watermark are emitted in the same order
/// after a restore as without one.
struct DueQueue {
    private var buckets: [Int64: [[UInt8]]] = [:]
    /// Min-heap of the distinct due times in `buckets`.
    private var dues: [Int64] = []

    mutating func push(_ due: Int64, _ key: [UInt8]) {
        if buckets[due] == nil {
            buckets[due] = [key]
            dues.append(due)
            var i = dues.count - 1
            while i > 0 {
                let p = (i - 1) / 2
                guard dues[i] < dues[p] else { break }
                dues.swapAt(i, p)
                i = p
            }
        } else {
            buckets[due]!.append(key)
        }
    }

    /// The earliest bucket due at or before `watermark`, its keys sorted and without repeats.
    mutating func pop(through watermark: Int64) -> (due: Int64, keys: [[UInt8]])? {
        guard let due = dues.first, due <= watermark else { return nil }
        dues.swapAt(0, dues.count - 1)
        dues.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < dues.count && dues[l] < dues[m] { m = l }
            if r < dues.count && dues[r] < dues[m] { m = r }
            if m == i { break }
            dues.swapAt(i, m)
            i = m
        }
        var keys = buckets.removeValue(forKey: due) ?? []
        keys.sort { $0.lexicographicallyPrecedes($1) }
        var unique: [[UInt8]] = []
        unique.reserveCapacity(keys.count)
        for k in keys where unique.last != k { unique.append(k) }
        return (due, unique)
    }
}
