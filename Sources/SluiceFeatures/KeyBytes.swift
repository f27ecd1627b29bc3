/// An entity key as a dictionary key.
///
/// Why not `[UInt8]` itself: an array hashes element by element (one `Hasher.combine` call per byte), and
/// comparing two arrays reads both heap buffers — for a state table of thousands of keys, the stored key's
/// buffer is a cache miss on every lookup. Keys of up to 23 bytes (most entity ids) are held inline in
/// three words: a lookup hashes and compares those words and never leaves the table. Longer keys keep an array.
struct KeyBytes: Hashable {
    /// The bytes, little-endian from `w0`; `w2`'s top byte is the length. For a longer key: all zero, the
    /// length byte 0xFF, and the bytes in `spilled`.
    private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0
    private let spilled: [UInt8]?

    static let inlineCapacity = 23

    init(_ bytes: [UInt8]) {
        guard bytes.count <= Self.inlineCapacity else {
            w2 = 0xFF << 56
            spilled = bytes
            return
        }
        spilled = nil
        // One copy of the bytes into three zeroed words (slicing the buffer per word went through generic
        // collection code: about 150 instructions a key, and a key is converted on every record).
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        bytes.withUnsafeBytes { source in
            guard let from = source.baseAddress else { return }
            withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: from, byteCount: source.count) }
        }
        w0 = UInt64(littleEndian: words.0)
        w1 = UInt64(littleEndian: words.1)
        w2 = UInt64(littleEndian: words.2) | UInt64(bytes.count) << 56
    }

    /// The three words of a key of at most `inlineCapacity` bytes (they determine it); nil for a longer key.
    var inlineWords: (UInt64, UInt64, UInt64)? { spilled == nil ? (w0, w1, w2) : nil }

    /// The key whose `inlineWords` are `words`.
    init(words: (UInt64, UInt64, UInt64)) {
        (w0, w1, w2) = words
        spilled = nil
    }

    /// The key's bytes.
    var bytes: [UInt8] {
        if let spilled { return spilled }
        let count = Int(w2 >> 56)
        var words = (w0.littleEndian, w1.littleEndian, w2.littleEndian)
        return withUnsafeBytes(of: &words) { Array($0.prefix(count)) }
    }

    static func == (a: KeyBytes, b: KeyBytes) -> Bool {
        guard a.w0 == b.w0, a.w1 == b.w1, a.w2 == b.w2 else { return false }
        return a.spilled == nil || a.spilled == b.spilled
    }

    func hash(into hasher: inout Hasher) {
        if let spilled {
            spilled.withUnsafeBytes { hasher.combine(bytes: $0) }
        } else {
            hasher.combine(w0)
            hasher.combine(w1)
            hasher.combine(w2)
        }
    }
}
