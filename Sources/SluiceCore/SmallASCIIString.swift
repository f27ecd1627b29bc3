/// Builds short ASCII strings (up to 15 bytes) straight into the standard library's inline "small string" form.
///
/// Decoders make millions of short strings (ids, country codes, categories). `String(decoding:as:)` validates
/// UTF-8 again and goes through generic paths: ~50 ns a string, about half of JSON decoding. Bytes a decoder
/// has already scanned as ASCII only need copying into the two words an inline string is made of.
///
/// The layout (64-bit, little-endian): code units 0–7 in the first word, 8–14 in the second, whose top byte
/// holds the flags (immortal, ASCII, small: `0xE0`) and the count. It is checked once, bit for bit, against
/// strings the standard library built itself; where it differs (another platform or runtime), `make` returns
/// `nil` and callers build the string the ordinary way.
public enum SmallASCIIString {
    public static let maxCount = 15

    /// Whether this runtime's inline strings look as `make` builds them.
    public static let isSupported: Bool = {
        #if _endian(little) && (arch(x86_64) || arch(arm64))
        guard MemoryLayout<String>.size == 16 else { return false }
        for probe in ["", "a", "AE", "u12345", "abcdefgh", "abcdefghi", "e1234567890abcd"] {
            let bytes = Array(probe.utf8)
            let built = bytes.withUnsafeBytes { inline(load($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, $0.count), $0.count) }
            guard bits(of: built) == bits(of: String(decoding: bytes, as: UTF8.self)), built == probe,
                  built.utf8.count == bytes.count
            else { return false }
        }
        return true
        #else
        return false
        #endif
    }()

    /// The string of the `count` bytes at `base` when they are at most 15, all ASCII, and inline strings are
    /// supported; `nil` otherwise (the caller builds it the ordinary way). A caller making many strings passes
    /// `isSupported` read once (reading it is a lazy global's check).
    @inlinable @inline(__always)
    public static func make(_ base: UnsafeRawPointer, _ count: Int, supported: Bool = isSupported) -> String? {
        guard count <= maxCount, supported else { return nil }
        let words = load(base, count)
        guard (words.0 | words.1) & 0x8080_8080_8080_8080 == 0 else { return nil }
        return inline(words, count)
    }

    /// The `count` (≤ 15) bytes at `base` in the two words of an inline string, the rest zero.
    @usableFromInline @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ count: Int) -> (UInt64, UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: base, byteCount: count) }
        return words
    }

    /// The inline ASCII string of `words` (from `load`), with its flags and count set.
    @usableFromInline @inline(__always)
    static func inline(_ words: (UInt64, UInt64), _ count: Int) -> String {
        unsafeBitCast((words.0, words.1 | UInt64(0xE0 | count) << 56), to: String.self)
    }

    static func bits(of string: String) -> (UInt64, UInt64) { unsafeBitCast(string, to: (UInt64, UInt64).self) }
}

extension SmallASCIIString {
    /// Whether two strings known to have the same length in bytes are equal, from their two words where that
    /// settles it: identical words are the same string; two inline ASCII strings with different words are
    /// different strings. `nil` when the characters must be compared (long or non-ASCII strings). `supported`
    /// is `isSupported`, read once by the caller (the flag bits mean nothing on another layout).
    @inlinable @inline(__always)
    public static func quickEquality(_ a: String, _ b: String, supported: Bool) -> Bool? {
        guard MemoryLayout<String>.size == 16 else { return nil }
        let x = unsafeBitCast(a, to: (UInt64, UInt64).self), y = unsafeBitCast(b, to: (UInt64, UInt64).self)
        if x.0 == y.0 && x.1 == y.1 { return true }
        // Top three bits 111: immortal, ASCII, small.
        if supported && x.1 >> 61 == 0b111 && y.1 >> 61 == 0b111 { return false }
        return nil
    }
}
