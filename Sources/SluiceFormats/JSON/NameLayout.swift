/// The top-level field names of the last record a JSON decoder or encoder handled, by position, with their
/// bytes as written: records of one stream keep their layout, so a name is usually found by one comparison
/// instead of being parsed (decoder) or quoted and escaped (encoder) again.
///
/// Changes as it is used: one owner at a time (a partition task's source decoder or sink encoder).
final class NameLayout: @unchecked Sendable {
    // One owner at a time: the runtime's exclusivity bookkeeping would cost more than the work saved.
    @exclusivity(unchecked) private(set) var names: [String] = []
    @exclusivity(unchecked) private(set) var written: [[UInt8]] = []

    var count: Int { names.count }

    /// Keeps `name` and its bytes for `position`: appended at the next free position, replaced in place.
    func remember(_ name: String, written bytes: [UInt8], at position: Int) {
        if position == names.count {
            names.append(name)
            written.append(bytes)
        } else if position < names.count {
            names[position] = name
            written[position] = bytes
        }
    }
}
