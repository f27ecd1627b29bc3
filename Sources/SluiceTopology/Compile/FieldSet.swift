/// The fields a stream is known to carry. An *open* set means "not declared": references cannot be checked.
struct FieldSet {
    var known: Set<String>
    var isOpen: Bool
    /// Families of fields produced with a common prefix (infer's per-class probabilities).
    var prefixes: [String] = []

    static let open = FieldSet(known: [], isOpen: true)

    static func closed(_ names: some Sequence<String>) -> FieldSet { FieldSet(known: Set(names), isOpen: false) }

    func contains(_ field: String) -> Bool {
        isOpen || known.contains(field) || prefixes.contains { field.hasPrefix($0) }
    }

    mutating func insert(_ field: String) { known.insert(field) }
    mutating func remove(_ field: String) { known.remove(field) }

    /// Fields of both streams (a join's output); open if either is.
    func union(_ other: FieldSet) -> FieldSet {
        FieldSet(known: known.union(other.known), isOpen: isOpen || other.isOpen, prefixes: prefixes + other.prefixes)
    }
}

/// What the compiler knows about one output stream while walking the graph.
struct StreamInfo {
    var fields: FieldSet
    /// The field the stream is partitioned by, if known.
    var key: String?
    /// Partition count when it is known from a source declaration and not changed by a repartition.
    var partitions: Int?

    static let unknown = StreamInfo(fields: .open, key: nil, partitions: nil)
}
