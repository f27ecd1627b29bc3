/// An entity key as a dictionary key.
///
/// Why not `[UInt8]` itself: an array hashes element by element (one `Hasher.combine` call per byte),
/// which costs more than the rest of the per-key lookup for typical ids; this feeds the bytes to the
/// hasher in one call.
struct KeyBytes: Hashable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func == (a: KeyBytes, b: KeyBytes) -> Bool { a.bytes == b.bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
