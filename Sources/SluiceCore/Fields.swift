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
public struct Fields: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    public var storage: [Field]

    @inlinable public init() { storage = [] }
    @inlinable public init(_ fields: [Field]) { storage = fields }
    public init(dictionaryLiteral elements: (String, Value)...) {
        storage = elements.map { Field(name: $0.0, value: $0.1) }
    }

    @inlinable public var startIndex: Int { storage.startIndex }
    @inlinable public var endIndex: Int { storage.endIndex }
    @inlinable public subscript(position: Int) -> Field { storage[position] }

    @inlinable public mutating func reserveCapacity(_ n: Int) { storage.reserveCapacity(n) }

    /// The index of the field named `name`, if present.
    @inlinable
    public func index(of name: String) -> Int? {
        for i in storage.indices where storage[i].name == name { return i }
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
                if let newValue { storage[i].value = newValue } else { storage.remove(at: i) }
            } else if let newValue {
                storage.append(Field(name: name, value: newValue))
            }
        }
    }

    /// Appends without checking for an existing field of that name (decoders use this for speed).
    @inlinable public mutating func append(_ name: consuming String, _ value: consuming Value) {
        storage.append(Field(name: name, value: value))
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
}
