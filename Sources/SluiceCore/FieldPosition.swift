import Synchronization

/// A lookup of one field name that remembers where it found the field last, for a name looked up on every
/// record of a stream (an expression's field, a validated field, a map's target): the records of one stream
/// mostly carry their fields in the same order, so the remembered position is checked first.
///
/// Names are compared by their two words where that settles it (`SmallASCIIString.quickEquality`): the fields of
/// decoded records and the names of a topology are mostly inline ASCII strings, equal exactly when their words
/// are. A name that is absent (a map adding a field) is still a scan, of two words per field rather than a
/// length and a string comparison. Before, these lookups were ≈ 7 % of the S2 pipeline's instructions.
///
/// Shared by the processing threads: the position is a relaxed atomic, written only when it changes. A stale
/// position read by another thread is merely a wrong guess.
///
/// ```swift
/// let amount = FieldPosition("amount")
/// if let i = amount.index(in: record.fields) { use(record.fields.storage[i].value) }
/// ```
public final class FieldPosition: Sendable {
    public let name: String
    @usableFromInline let length: Int
    /// The name's two words, where the layout is known (else `index(in:)` asks `Fields.index(of:)`).
    @usableFromInline let words: (UInt64, UInt64)
    /// Where a field's name lies in it (computed once: a key path's offset is looked up at run time).
    @usableFromInline let nameOffset: Int?
    /// Whether `name` is an inline ASCII string: then a field of another inline ASCII name differs in its words.
    @usableFromInline let inlineName: Bool
    @usableFromInline let last = Atomic<Int>(0)

    public init(_ name: String) {
        self.name = name
        length = name.utf8.count
        if MemoryLayout<String>.size == 16 {
            words = unsafeBitCast(name, to: (UInt64, UInt64).self)
            nameOffset = MemoryLayout<Field>.offset(of: \Field.name)
        } else {
            words = (0, 0)
            nameOffset = nil
        }
        inlineName = SmallASCIIString.isSupported && words.1 >> 61 == 0b111
    }

    /// The index of the field named `name` in `fields`, or nil: what `fields.index(of: name)` returns.
    /// Inlined where it is called (an operator's per-record loop): the call and its prologue were most of a hit's
    /// cost.
    @inlinable @inline(__always) public func index(in fields: Fields) -> Int? {
        guard let nameOffset else { return fields.index(of: name) }
        let guess = last.load(ordering: .relaxed)
        let found: Int? = fields.storage.withUnsafeBufferPointer { storage in
            guard let base = storage.baseAddress else { return nil }
            // The names' words are read in place: copying a field's name out would retain and release it.
            let names = UnsafeRawPointer(base) + nameOffset
            @inline(__always) func same(_ i: Int) -> Bool {
                let w = names + i &* MemoryLayout<Field>.stride
                let w0 = w.load(as: UInt64.self), w1 = w.load(fromByteOffset: 8, as: UInt64.self)
                // `SmallASCIIString.quickEquality`'s rule on words read in place, with the name's flag checked
                // once (calling it here cost 28 more instructions a lookup under callgrind).
                if w0 == words.0 && w1 == words.1 { return true }
                if inlineName && w1 >> 61 == 0b111 { return false }
                // As `Fields.index(of:)`: lengths first, so that canonically equivalent spellings stay distinct names.
                return storage[i].name.utf8.count == length && storage[i].name == name
            }
            if guess < storage.count, same(guess) { return guess }
            for i in 0..<storage.count where same(i) { return i }
            return nil
        }
        if let found, found != guess { last.store(found, ordering: .relaxed) }
        return found
    }
}
