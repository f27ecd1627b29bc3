/// One named field of a record.
public struct Field: Sendable, Hashable {
    public var name: String
    public var value: Value
    @inlinable public init(name: String, value: Value) {
        self.name = name
        self.value = value
    }
}

/// The ordered fields of a record or JSON object.
///
/// Records hold few fields (tens), so a flat array with linear lookup beats a dictionary:
/// one allocation per record and field names are usually small inline strings.
///
/// A JSON decoder marks the fields it returns as *verbatim*: they are, in order and unchanged, all the
/// members of the object in the bytes it read. Appending keeps the mark; changing, removing or replacing one
/// of those fields drops it. A JSON encoder given that same buffer (not merely equal bytes) then copies it
/// instead of writing the fields again, and writes only the fields appended since (`verbatimPrefix(ofJSON:)`).
public struct Fields: Sendable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    @usableFromInline var elements: [Field]
    /// The fields, read-only: changes go through the methods below, which keep the verbatim mark honest.
    @inlinable public var storage: [Field] { _read { yield elements } }
    /// Where the verbatim fields were decoded from and how many they are, in one word (so that `Value` keeps its
    /// size); 0 when none. From the high bits: the buffer's address / 16 (44 bits), its length mod 2048 (11 bits),
    /// the count of fields (9 bits).
    @usableFromInline var verbatim: UInt64 = 0
    @usableFromInline var verbatimCount: Int { Int(verbatim & 0x1FF) }

    /// The `verbatim` word for `count` fields decoded from `source`; 0 when it cannot be told apart.
    @inlinable static func verbatimWord(_ source: UnsafeRawPointer, length: Int, count: Int) -> UInt64 {
        let address = UInt64(UInt(bitPattern: source))
        guard address & 15 == 0, address >> 48 == 0, count > 0, count <= 0x1FF else { return 0 }
        return (address >> 4) << 20 | UInt64(length & 0x7FF) << 9 | UInt64(count)
    }

    @inlinable public init() { elements = [] }
    @inlinable public init(_ fields: [Field]) { elements = fields }
    public init(dictionaryLiteral pairs: (String, Value)...) {
        elements = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    @inlinable public var startIndex: Int { storage.startIndex }
    @inlinable public var endIndex: Int { storage.endIndex }
    @inlinable public subscript(position: Int) -> Field { storage[position] }

    @inlinable public mutating func reserveCapacity(_ n: Int) { elements.reserveCapacity(n) }

    /// The index of the field named `name`, if present. Lengths are compared first: they are stored inline,
    /// and most names of a record differ in length.
    @inlinable
    public func index(of name: String) -> Int? {
        let length = name.utf8.count
        for i in storage.indices where storage[i].name.utf8.count == length && storage[i].name == name { return i }
        return nil
    }

    /// Reads or writes a field by name; writing `nil` removes the field, writing a new name appends it.
    @inlinable
    public subscript(name: String) -> Value? {
        get {
            guard let i = index(of: name) else { return nil }
            return storage[i].value
        }
        set {
            if let i = index(of: name) {
                if let newValue { setValue(newValue, at: i) } else { remove(at: i) }
            } else if let newValue {
                elements.append(Field(name: name, value: newValue))
            }
        }
    }

    /// Replaces the value of the field at `index`.
    @inlinable public mutating func setValue(_ value: consuming Value, at index: Int) {
        if index < verbatimCount { verbatim = 0 }
        elements[index].value = value
    }

    /// Removes the field at `index`.
    @inlinable public mutating func remove(at index: Int) {
        if index < verbatimCount { verbatim = 0 }
        elements.remove(at: index)
    }

    /// Removes the fields for which `shouldBeRemoved` is true.
    public mutating func removeAll(where shouldBeRemoved: (Field) throws -> Bool) rethrows {
        let before = storage.count
        try elements.removeAll(where: shouldBeRemoved)
        if storage.count != before { verbatim = 0 }
    }

    /// Appends without checking for an existing field of that name (decoders use this for speed).
    @inlinable public mutating func append(_ name: consuming String, _ value: consuming Value) {
        elements.append(Field(name: name, value: value))
    }

    /// Follows a dotted path (`a.b.c`) through nested objects.
    public func value(atPath path: String) -> Value? {
        if !path.contains(".") { return self[path] }
        var current: Value = .object(self)
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .object(let o) = current, let next = o[String(part)] else { return nil }
            current = next
        }
        return current
    }

    // MARK: verbatim JSON

    /// Marks all present fields as the members, in order, of the JSON object in the `length` bytes at `source`,
    /// just decoded. Only that very buffer (as `Record.raw` holds it) is later taken as their source.
    public mutating func markVerbatim(decodedFrom source: UnsafeRawPointer, length: Int) {
        verbatim = Self.verbatimWord(source, length: length, count: storage.count)
    }

    /// How many leading fields `json` holds verbatim, or `nil` when these fields were not decoded from that very
    /// buffer (another buffer, even with the same bytes, does not count) or one of them has changed since.
    @inlinable public func verbatimPrefix(ofJSON json: UnsafeRawBufferPointer) -> Int? {
        guard verbatim != 0, let base = json.baseAddress, verbatimCount <= storage.count,
              Self.verbatimWord(base, length: json.count, count: verbatimCount) == verbatim
        else { return nil }
        return verbatimCount
    }
}

// Equality and hashing are by the fields alone: where they came from does not matter.
extension Fields: Hashable {
    public static func == (lhs: Fields, rhs: Fields) -> Bool { lhs.storage == rhs.storage }
    public func hash(into hasher: inout Hasher) { hasher.combine(storage) }
}
