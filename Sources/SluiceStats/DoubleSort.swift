/// An in-place ascending sort of non-NaN doubles for the KLL compactor: quicksort (median of three) with
/// insertion sort for short ranges and a heap-sort fallback past a depth limit, so it is O(n log n) in the worst case.
/// It is several times faster than the stdlib's stable sort on these small buffers, which dominated sketch inserts.
enum DoubleSort {
    static func sort(_ a: UnsafeMutableBufferPointer<Double>) {
        guard a.count > 1, let base = a.baseAddress else { return }
        quick(base, 0, a.count - 1, 2 * (Int.bitWidth - a.count.leadingZeroBitCount))
    }

    private static func quick(_ a: UnsafeMutablePointer<Double>, _ lo0: Int, _ hi0: Int, _ depth0: Int) {
        var lo = lo0, hi = hi0, depth = depth0
        while hi - lo > 16 {
            if depth == 0 { heap(a + lo, hi - lo + 1); return }
            depth -= 1
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while pivot < a[j] { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            // Recurse into the smaller side, loop on the larger: O(log n) stack.
            if j - lo < hi - i {
                quick(a, lo, j, depth); lo = i
            } else {
                quick(a, i, hi, depth); hi = j
            }
        }
        insertion(a, lo, hi)
    }

    private static func insertion(_ a: UnsafeMutablePointer<Double>, _ lo: Int, _ hi: Int) {
        guard hi > lo else { return }
        for i in (lo + 1)...hi {
            let v = a[i]
            var j = i - 1
            while j >= lo && a[j] > v { a[j + 1] = a[j]; j -= 1 }
            a[j + 1] = v
        }
    }

    private static func heap(_ a: UnsafeMutablePointer<Double>, _ n: Int) {
        func sift(_ start: Int, _ end: Int) {
            var root = start
            while 2 * root + 1 < end {
                var child = 2 * root + 1
                if child + 1 < end && a[child] < a[child + 1] { child += 1 }
                if a[root] < a[child] { a.swapAt(root, child); root = child } else { return }
            }
        }
        var start = n / 2 - 1
        while start >= 0 { sift(start, n); start -= 1 }
        var end = n - 1
        while end > 0 { a.swapAt(0, end); sift(0, end); end -= 1 }
    }
}

extension UnsafeMutablePointer where Pointee == Double {
    @inline(__always)
    func swapAt(_ i: Int, _ j: Int) { let t = self[i]; self[i] = self[j]; self[j] = t }
}
