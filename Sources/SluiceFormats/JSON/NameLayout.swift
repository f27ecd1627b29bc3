/// The top-level field names of the last record a JSON decoder or encoder handled, by position, with their
/// bytes as written: records of one stream keep their layout, so a name is usually found by one comparison
/// instead of being parsed (decoder) or quoted and escaped (encoder) again.
///
/// The written bytes of all positions share one flat buffer, so that a record's names are checked against a
/// `Snapshot` taken once per record: no reference counting per field.
///
/// Changes as it is used: one owner at a time (a partition task's source decoder or sink encoder).
final class NameLayout: @unchecked Sendable {
    /// The layout as one record sees it (take it once, before the fields; take it again after `remember`).
    struct Snapshot {
        let names: [String]
        let bytes: [UInt8]
        /// Where each position's bytes end in `bytes` (they start where the previous position's end).
        let ends: [Int]

        var count: Int { names.count }

        static let empty = Snapshot(names: [], bytes: [], ends: [])

        /// Whether `count` bytes at `candidate` are exactly what was written at `position`.
        @inline(__always) func matches(_ candidate: UnsafeRawPointer, count: Int, at position: Int) -> Bool {
            let start = position == 0 ? 0 : ends[position - 1]
            guard ends[position] - start == count else { return false }
            return bytes.withUnsafeBytes { memcmp(candidate, $0.baseAddress! + start, count) == 0 }
        }

        /// Appends what was written at `position` to `out`.
        @inline(__always) func append(_ position: Int, to out: inout [UInt8]) {
            let start = position == 0 ? 0 : ends[position - 1]
            bytes.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[start..<ends[position]])) }
        }
    }

    // One owner at a time: the runtime's exclusivity bookkeeping would cost more than the work saved.
    @exclusivity(unchecked) private var names: [String] = []
    @exclusivity(unchecked) private var bytes: [UInt8] = []
    @exclusivity(unchecked) private var ends: [Int] = []

    var snapshot: Snapshot { Snapshot(names: names, bytes: bytes, ends: ends) }

    /// Keeps `name` and its bytes for `position`: appended at the next free position; at an earlier one, the
    /// layout is cut there first (the positions after it are learned again from the records that follow).
    func remember(_ name: String, written: UnsafeRawBufferPointer, at position: Int) {
        guard position <= names.count else { return }
        if position < names.count {
            names.removeSubrange(position...)
            ends.removeSubrange(position...)
            bytes.removeSubrange((position == 0 ? 0 : ends[position - 1])...)
        }
        names.append(name)
        bytes.append(contentsOf: written)
        ends.append(bytes.count)
    }
}

#if canImport(Glibc)
import Glibc
#endif
