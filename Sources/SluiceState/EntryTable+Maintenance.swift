/// Index growth and deletion, arena compaction, dirty tracking and key ordering for `EntryTable`.
extension EntryTable {
    /// Index slots for `capacity` entries at a load factor of at most 3/4 (linear probing degrades past it).
    static func indexSize(for capacity: Int) -> Int {
        var size = 16
        while size * 3 / 4 < capacity { size *= 2 }
        return size
    }

    /// Arenas below this size are never compacted: the garbage is not worth a pass.
    static let minimumCompactionBytes = 64 * 1024

    var needsGrowth: Bool { (indexedCount + 1) > index.count * 3 / 4 }

    /// Makes room for `extra` more entries and `bytes` more arena bytes without regrowing.
    mutating func reserve(entries extra: Int, bytes: Int) {
        entries.reserveCapacity(entries.count + extra)
        arena.reserveCapacity(arena.count + bytes)
        let size = Self.indexSize(for: indexedCount + extra)
        if size > index.count { rebuildIndex(size: size) }
    }

    mutating func growIndex() { rebuildIndex(size: index.count * 2) }

    /// Re-places every indexed entry from its stored hash (no key is rehashed or read).
    private mutating func rebuildIndex(size: Int) {
        var fresh = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        for (i, e) in entries.enumerated() where e.state != .free {
            var s = Int(e.hash) & mask
            while fresh[s] != 0 { s = (s + 1) & mask }
            fresh[s] = UInt64(e.hash) << 32 | UInt64(i + 1)
        }
        index = fresh
    }

    /// Deletes entry `i`'s slot, then shifts later members of the probe run back into the hole so lookups
    /// never need deletion markers (which would otherwise pile up under delete-heavy stores).
    mutating func removeFromIndex(_ i: Int, hash h: UInt32) {
        let mask = index.count - 1
        let wanted = UInt64(h) << 32 | UInt64(i + 1)
        var hole = Int(h) & mask
        while index[hole] != wanted {
            precondition(index[hole] != 0, "entry missing from index")
            hole = (hole + 1) & mask
        }
        var j = (hole + 1) & mask
        while index[j] != 0 {
            let ideal = Int(index[j] >> 32) & mask
            // Movable iff the hole lies on the way from the slot's ideal position to where it sits.
            if (j - ideal) & mask >= (j - hole) & mask {
                index[hole] = index[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        index[hole] = 0
        indexedCount -= 1
    }

    /// Bytes of replaced values, shrunk values and removed entries still occupying the arena.
    var garbageBytes: Int { arena.count - recordBytes }

    /// Copies every record into a fresh arena once more than half of the arena is garbage, so memory stays
    /// within twice the live data and each compaction is paid for by at least as many bytes of prior churn.
    mutating func compactArenaIfNeeded() {
        guard arena.count >= Self.minimumCompactionBytes, garbageBytes * 2 > arena.count else { return }
        compactArena()
    }

    mutating func compactArena() {
        var fresh: [UInt8] = []
        // Headroom so the next writes do not immediately regrow.
        fresh.reserveCapacity(recordBytes + recordBytes / 4)
        // A local reference to the old buffer: reading it while `entries` is written must not overlap
        // accesses to `self`.
        let current = arena
        current.withUnsafeBytes { old in
            for i in entries.indices where entries[i].state != .free {
                let e = entries[i]
                let n = Int(e.keyLength) + Int(e.valueLength)
                entries[i].offset = fresh.count
                fresh.append(contentsOf: UnsafeRawBufferPointer(rebasing: old[e.offset..<(e.offset + n)]).assumingMemoryBound(to: UInt8.self))
            }
        }
        arena = fresh
    }

    // MARK: Dirty tracking

    mutating func markDirty(_ i: Int) {
        guard !entries[i].isDirty else { return }
        entries[i].isDirty = true
        dirtyList.append(Int32(i))
    }

    /// Forgets every dirty mark; tombstones (now written to a segment) leave the table.
    mutating func clearDirty() {
        for d in dirtyList {
            let i = Int(d)
            if entries[i].state == .tombstone { erase(i) } else { entries[i].isDirty = false }
        }
        dirtyList.removeAll(keepingCapacity: true)
    }

    // MARK: Ordering

    /// Entry ids of all live entries.
    var liveEntries: [Int32] {
        var ids: [Int32] = []
        ids.reserveCapacity(liveCount)
        for (i, e) in entries.enumerated() where e.state == .live { ids.append(Int32(i)) }
        return ids
    }

    /// `ids` ordered by key bytes (unsigned, shorter prefix first). Sorts on an inline 8-byte big-endian
    /// prefix and reads the arena only on a tie, so sorting a million keys costs no arena access per comparison.
    func sortedByKey(_ ids: [Int32]) -> [Int32] {
        arena.withUnsafeBytes { a in
            var keyed: [(prefix: UInt64, id: Int32)] = ids.map { id in
                let e = entries[Int(id)]
                return (Self.orderPrefix(UnsafeRawBufferPointer(rebasing: a[e.offset..<(e.offset + Int(e.keyLength))])), id)
            }
            keyed.sort { x, y in
                if x.prefix != y.prefix { return x.prefix < y.prefix }
                let ex = entries[Int(x.id)]
                let ey = entries[Int(y.id)]
                return compareBytes(
                    UnsafeRawBufferPointer(rebasing: a[ex.offset..<(ex.offset + Int(ex.keyLength))]),
                    UnsafeRawBufferPointer(rebasing: a[ey.offset..<(ey.offset + Int(ey.keyLength))])) < 0
            }
            return keyed.map(\.id)
        }
    }

    /// The first 8 bytes, big-endian, zero-padded: zero padding keeps prefix order consistent with byte order.
    static func orderPrefix(_ b: UnsafeRawBufferPointer) -> UInt64 {
        if b.count >= 8 { return UInt64(bigEndian: b.loadUnaligned(as: UInt64.self)) }
        var p: UInt64 = 0
        for i in 0..<b.count { p |= UInt64(b[i]) << (56 - 8 * UInt64(i)) }
        return p
    }
}
