/// Entity key → the key's state slot: what `[KeyBytes: Int]` was, as one open-addressing table of the keys'
/// inline words and slots.
///
/// Why: the lookup is on every record, with more keys than fit the cache. A `Dictionary` keeps keys and values in
/// separate arrays behind an occupancy bitmap (up to three cache misses a lookup) and hashes with SipHash (three
/// `combine` calls and a finalization for three words). Here a cell holds the key's three words and its slot (32
/// bytes: one miss, two cells a line) and the hash is two 64×64→128-bit multiplications, seeded per process so that
/// keys chosen to collide cannot be precomputed. Keys longer than `KeyBytes.inlineCapacity` (rare) stay in a
/// dictionary of their own. Linear probing, at most 5/8 full; removal shifts the cells after it back, so no
/// tombstones build up when keys are evicted and recreated.
struct KeyTable {
    private struct Cell {
        var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0
        /// -1: empty.
        var slot = -1
    }

    private var cells: [Cell] = []
    private var mask = 0
    private var inlineCount = 0
    private var spilled: [KeyBytes: Int] = [:]
    private let seed: (UInt64, UInt64)

    init() {
        var rng = SystemRandomNumberGenerator()
        seed = (rng.next() | 1, rng.next() | 1)
    }

    var count: Int { inlineCount + spilled.count }

    @inline(__always)
    private func home(_ w: (UInt64, UInt64, UInt64)) -> Int {
        let a = (w.0 ^ seed.0).multipliedFullWidth(by: w.1 ^ seed.1)
        let b = (a.high ^ a.low ^ w.2).multipliedFullWidth(by: seed.0 ^ 0x9E37_79B9_7F4A_7C15)
        return Int(truncatingIfNeeded: b.high ^ b.low) & mask
    }

    /// The cell holding `w`, or the empty cell where it would go.
    @inline(__always)
    private func find(_ w: (UInt64, UInt64, UInt64)) -> Int {
        var i = home(w)
        while true {
            let c = cells[i]
            if c.slot < 0 || (c.w0 == w.0 && c.w1 == w.1 && c.w2 == w.2) { return i }
            i = (i + 1) & mask
        }
    }

    subscript(key: KeyBytes) -> Int? {
        get {
            guard let w = key.inlineWords else { return spilled[key] }
            guard !cells.isEmpty else { return nil }
            let slot = cells[find(w)].slot
            return slot < 0 ? nil : slot
        }
        set {
            guard let w = key.inlineWords else {
                spilled[key] = newValue
                return
            }
            guard let newValue else {
                removeValue(forKey: key)
                return
            }
            precondition(newValue >= 0, "a state slot is an index")
            if (inlineCount + 1) * 8 > cells.count * 5 { grow() }
            let i = find(w)
            if cells[i].slot < 0 { inlineCount += 1 }
            cells[i] = Cell(w0: w.0, w1: w.1, w2: w.2, slot: newValue)
        }
    }

    @discardableResult
    mutating func removeValue(forKey key: KeyBytes) -> Int? {
        guard let w = key.inlineWords else { return spilled.removeValue(forKey: key) }
        guard !cells.isEmpty else { return nil }
        var hole = find(w)
        let removed = cells[hole].slot
        guard removed >= 0 else { return nil }
        inlineCount -= 1
        cells[hole].slot = -1
        // Shift back each following cell of the run whose home is not between the hole and it (cyclically).
        var j = hole
        while true {
            j = (j + 1) & mask
            guard cells[j].slot >= 0 else { break }
            let h = home((cells[j].w0, cells[j].w1, cells[j].w2))
            let fits = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j)
            if fits { continue }
            cells[hole] = cells[j]
            cells[j].slot = -1
            hole = j
        }
        return removed
    }

    private mutating func grow() {
        let old = cells
        cells = [Cell](repeating: Cell(), count: max(64, old.count * 2))
        mask = cells.count - 1
        for c in old where c.slot >= 0 { cells[find((c.w0, c.w1, c.w2))] = c }
    }

    /// Every key with its slot, in no particular order.
    func forEach(_ body: (KeyBytes, Int) throws -> Void) rethrows {
        for c in cells where c.slot >= 0 { try body(KeyBytes(words: (c.w0, c.w1, c.w2)), c.slot) }
        for (k, s) in spilled { try body(k, s) }
    }
}
