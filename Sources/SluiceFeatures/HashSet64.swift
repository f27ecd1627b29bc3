import CPrefetch

/// A set of 64-bit hashes: open addressing with linear probing, at most half full.
///
/// Why not a sorted array: distinct's exact mode inserts every event into a pane's `full` set (and,
/// eventually, its `settled` set); a binary search over a few hundred hashes touches a cache line per
/// probe and a sorted insert shifts the tail, whereas a probe here usually lands on one line. The
/// hashes are already well mixed (`StableHash`), so their low bits index the table directly.
struct HashSet64 {
    /// Power-of-two table; 0 marks an empty slot (the value 0 itself is tracked by `hasZero`).
    private var slots: [UInt64] = []
    private var hasZero = false
    /// `slots.count - 1` (0 while the table is empty).
    private var mask = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// Inserts `h`; returns false when it was already present.
    @discardableResult
    mutating func insert(_ h: UInt64) -> Bool {
        if h == 0 {
            if hasZero { return false }
            hasZero = true
            count += 1
            return true
        }
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == h { return false }
            if s == 0 { break }
            i = (i + 1) & mask
        }
        slots[i] = h
        count += 1
        return true
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: Swift.max(16, old.count * 2))
        mask = slots.count - 1
        for h in old where h != 0 {
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = h
        }
    }

    /// Starts fetching the slot where `h` is looked up (a hint: changes nothing). Computed from `mask`, kept
    /// here, rather than from the table's count: reading that would wait for the very line being fetched.
    func prefetch(_ h: UInt64) {
        guard mask != 0 else { return }
        prefetchArrayElement(slots, Int(truncatingIfNeeded: h) & mask, stride: MemoryLayout<UInt64>.stride)
    }

    /// Calls `body` with every element, in table order.
    func forEach(_ body: (UInt64) -> Void) {
        if hasZero { body(0) }
        for h in slots where h != 0 { body(h) }
    }

    /// The elements in ascending order (the persisted layout, which predates this type).
    func sorted() -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(count)
        forEach { out.append($0) }
        out.sort()
        return out
    }
}
