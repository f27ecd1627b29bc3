public import SluiceCore

/// The static type of a field or an expression, as schemas declare it.
///
/// `integer` is a subtype of `number`: wherever a number is expected an integer is accepted.
/// `any` is what fields have when no schema is given; such values are checked when evaluated.
public enum ValueType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case number, integer, string, boolean, array, object, any

    public var description: String { rawValue }

    /// The type of a runtime value (`nil` for `null`, which fits every type).
    public init?(of value: Value) {
        switch value {
        case .null: return nil
        case .bool: self = .boolean
        case .int: self = .integer
        case .double: self = .number
        case .string: self = .string
        case .array: self = .array
        case .object: self = .object
        }
    }

    var isNumeric: Bool { self == .number || self == .integer }
    var isNumericOrAny: Bool { isNumeric || self == .any }

    /// Whether a value of static type `self` may be used where `expected` is required.
    func fits(_ expected: ValueType) -> Bool {
        if self == .any || expected == .any || self == expected { return true }
        return expected == .number && self == .integer
    }
}
