/// The top-level field names of the last record a JSON decoder or encoder handled, by position, with their
/// bytes as written: records of one stream keep their layout, so a name is usually found by one comparison
/// instead of being parsed (decoder) or quoted and escaped (encoder) again.
///
/// The layout keeps its names, bytes and ends in buffers of its own, so that a record's names are checked
/// against a `Snapshot` of plain pointers taken once per record: no reference counting per record or field.
///
/// Changes as it is used: one owner at a time (a partition task's source decoder or sink encoder).
final class NameLayout: @unchecked Sendable {
    /// The layout as one record sees it: valid until the layout's next `remember` (take it once, before the
    /// fields; take it again after `remember`) and while the layout lives.
    struct Snapshot {
        let names: UnsafeBufferPointer<String>
        let bytes: UnsafePointer<UInt8>?
        /// Where each position's bytes end in `bytes` (they start where the previous position's end).
        let ends: UnsafeBufferPointer<Int>

        var count: Int { names.count }

        static var empty: Snapshot {
            Snapshot(names: UnsafeBufferPointer(start: nil, count: 0), bytes: nil,
                     ends: UnsafeBufferPointer(start: nil, count: 0))
        }

        /// Whether `count` bytes at `candidate` are exactly what was written at `position`.
        @inline(__always) func matches(_ candidate: UnsafeRawPointer, count: Int, at position: Int) -> Bool {
            let start = position == 0 ? 0 : ends[position - 1]
            guard ends[position] - start == count else { return false }
            return count == 0 || memcmp(candidate, bytes! + start, count) == 0
        }

        /// Appends what was written at `position` to `out`.
        @inline(__always) func append(_ position: Int, to out: inout [UInt8]) {
            out.append(contentsOf: written(at: position))
        }

        /// The bytes written for `position`.
        @inline(__always) func written(at position: Int) -> UnsafeBufferPointer<UInt8> {
            let start = position == 0 ? 0 : ends[position - 1]
            return UnsafeBufferPointer(start: bytes.map { $0 + start }, count: ends[position] - start)
        }
    }

    private var names: UnsafeMutablePointer<String>
    private var ends: UnsafeMutablePointer<Int>
    private var count = 0
    private var capacity = 0
    private var bytes: UnsafeMutablePointer<UInt8>
    private var byteCount = 0
    private var byteCapacity = 0

    init() {
        names = .allocate(capacity: 0)
        ends = .allocate(capacity: 0)
        bytes = .allocate(capacity: 0)
    }

    deinit {
        names.deinitialize(count: count)
        names.deallocate()
        ends.deallocate()
        bytes.deallocate()
    }

    var snapshot: Snapshot {
        Snapshot(names: UnsafeBufferPointer(start: names, count: count), bytes: UnsafePointer(bytes),
                 ends: UnsafeBufferPointer(start: ends, count: count))
    }

    /// Keeps `name` and its bytes for `position`: appended at the next free position; at an earlier one, the
    /// layout is cut there first (the positions after it are learned again from the records that follow).
    /// Snapshots taken before are no longer valid.
    func remember(_ name: String, written: UnsafeRawBufferPointer, at position: Int) {
        guard position <= count else { return }
        if position < count {
            (names + position).deinitialize(count: count - position)
            byteCount = position == 0 ? 0 : ends[position - 1]
            count = position
        }
        if count == capacity { growNames(to: max(16, capacity * 2)) }
        if byteCount + written.count > byteCapacity { growBytes(to: max(256, (byteCount + written.count) * 2)) }
        (names + count).initialize(to: name)
        if let source = written.baseAddress { UnsafeMutableRawPointer(bytes + byteCount).copyMemory(from: source, byteCount: written.count) }
        byteCount += written.count
        ends[count] = byteCount
        count += 1
    }

    private func growNames(to newCapacity: Int) {
        let newNames = UnsafeMutablePointer<String>.allocate(capacity: newCapacity)
        newNames.moveInitialize(from: names, count: count)
        names.deallocate()
        names = newNames
        let newEnds = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity)
        newEnds.initialize(from: ends, count: count)
        ends.deallocate()
        ends = newEnds
        capacity = newCapacity
    }

    private func growBytes(to newCapacity: Int) {
        let newBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBytes.initialize(from: bytes, count: byteCount)
        bytes.deallocate()
        bytes = newBytes
        byteCapacity = newCapacity
    }
}

#if canImport(Glibc)
import Glibc
#endif
