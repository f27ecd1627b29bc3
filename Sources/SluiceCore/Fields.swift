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
/// of those fields drops it. A JSON encoder given the same bytes then copies them instead of writing the
/// fields again, and writes only the fields appended since (`verbatimPrefix(ofJSON:)`).
public struct Fields: Sendable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    @usableFromInline var elements: [Field]
    /// The fields, read-only: changes go through the methods below, which keep the verbatim mark honest.
    @inlinable public var storage: [Field] { _read { yield elements } }
    /// Leading fields that are verbatim (0: none), and the length of the bytes they were decoded from.
    @usableFromInline var verbatimCount: UInt32 = 0
    @usableFromInline var verbatimBytes: UInt32 = 0

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
        if index < Int(verbatimCount) { verbatimCount = 0 }
        elements[index].value = value
    }

    /// Removes the field at `index`.
    @inlinable public mutating func remove(at index: Int) {
        if index < Int(verbatimCount) { verbatimCount = 0 }
        elements.remove(at: index)
    }

    /// Removes the fields for which `shouldBeRemoved` is true.
    public mutating func removeAll(where shouldBeRemoved: (Field) throws -> Bool) rethrows {
        let before = storage.count
        try elements.removeAll(where: shouldBeRemoved)
        if storage.count != before { verbatimCount = 0 }
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

    /// Marks all present fields as the members, in order, of the JSON object in `byteCount` bytes just decoded.
    public mutating func markVerbatim(jsonByteCount byteCount: Int) {
        guard !storage.isEmpty, let count = UInt32(exactly: storage.count), let bytes = UInt32(exactly: byteCount) else { return }
        verbatimCount = count
        verbatimBytes = bytes
    }

    /// How many leading fields `json` (the bytes these fields were decoded from) holds verbatim, or `nil` when
    /// the fields were not decoded from it or one of them has changed since.
    @inlinable public func verbatimPrefix(ofJSON json: UnsafeRawBufferPointer) -> Int? {
        guard verbatimCount > 0, Int(verbatimBytes) == json.count, Int(verbatimCount) <= storage.count else { return nil }
        return Int(verbatimCount)
    }
}

// Equality and hashing are by the fields alone: where they came from does not matter.
extension Fields: Hashable {
    public static func == (lhs: Fields, rhs: Fields) -> Bool { lhs.storage == rhs.storage }
    public func hash(into hasher: inout Hasher) { hasher.combine(storage) }
}
