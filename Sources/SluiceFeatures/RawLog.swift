import SluiceCore

/// The unsettled raw entries of a pane series, all panes in one time-sorted buffer.
///
/// Why one buffer with a movable front instead of an array per pane: a new pane then costs no
/// allocation, and dropping or settling the oldest entries moves an index instead of shifting (or
/// freeing) storage on every event. The dead prefix is compacted once it is at least as long as the
/// live part, so the work stays amortised O(1) per entry and the capacity is reused.
struct RawLog<Item: StoredEntry> {
    /// Live entries are `items[head...]`, sorted by time; equal times keep arrival order.
    var items: [Item] = []
    var head = 0

    var isEmpty: Bool { head == items.count }
    var liveCount: Int { items.count - head }
    /// Time of the oldest live entry (`Int64.max` when empty).
    var oldestTime: Int64 { head < items.count ? items[head].time : .max }

    /// A new key's first entry reserves this many: most keys see a few events, and doubling from one
    /// reallocated the buffer on most of them.
    static var initialCapacity: Int { 8 }

    mutating func insert(_ e: Item) {
        if items.capacity == 0 { items.reserveCapacity(Self.initialCapacity) }
        var i = items.count
        while i > head && items[i - 1].time > e.time { i -= 1 }
        if i == items.count {
            if head > 0 && items.count == items.capacity { compact(); items.append(e); return }
            items.append(e)
        } else {
            items.insert(e, at: i)
        }
    }

    /// The first live index whose entry has time ≥ `t` (`items.count` if none).
    func lowerBound(_ t: Int64) -> Int {
        var lo = head, hi = items.count
        // Queries usually land near the newest end: check it before bisecting.
        if hi > lo && items[hi - 1].time < t { return hi }
        while lo < hi {
            let mid = (lo + hi) >> 1
            if items[mid].time < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Drops live entries with time < `t` (they belong to dropped panes).
    mutating func drop(below t: Int64) {
        while head < items.count && items[head].time < t { head += 1 }
        maybeCompact()
    }

    /// Marks the first `n` live entries as consumed (after settling them).
    mutating func advance(by n: Int) {
        head += n
        maybeCompact()
    }

    mutating func maybeCompact() {
        if head == items.count {
            items.clearKeepingCapacity()
            head = 0
        } else if head > 0 && head >= items.count - head {
            compact()
        }
    }

    private mutating func compact() {
        items.removeFirst(head)
        head = 0
    }

    mutating func removeAll() {
        items.clearKeepingCapacity()
        head = 0
    }
}
