public import SluiceCore
import SluiceTopology

extension FieldConstraint {
    /// Checks the field in `fields`; `nil` when it is valid, else the first problem found for this field.
    ///
    /// Order: presence, null, type, enum, range, length, pattern, array items — one error per field.
    public func check(_ fields: Fields) -> RecordError? {
        let found: Value?
        if let i = fields.index(of: name) {
            found = fields.storage[i].value
        } else {
            found = name.contains(".") ? fields.value(atPath: name) : nil
        }
        guard let value = found else {
            return required ? RecordError(.missingField, field: name, "\(name): required field is missing") : nil
        }
        if case .null = value {
            if nullable { return nil }
            let expected = types.isEmpty ? "" : ", expected \(expectedText(types))"
            return RecordError(.wrongType, field: name, "\(name): null is not allowed\(expected) (declare the field nullable to accept null)")
        }
        if !types.isEmpty, !types.contains(where: { Self.value(value, is: $0) }) {
            return RecordError(.wrongType, field: name,
                               "\(name): expected \(expectedText(types)), found \(value.typeName) \(Rendering.value(value))")
        }
        if let allowed, !allowed.contains(where: { Self.looselyEqual($0, value) }) {
            let list = allowed.map { $0.asString ?? $0.description }.joined(separator: ", ")
            return RecordError(.notInEnum, field: name, "\(name): \(Rendering.value(value)) is not one of \(list)")
        }
        if minimum != nil || maximum != nil, let error = checkRange(value) { return error }
        if minLength != nil || maxLength != nil, let error = checkLength(value) { return error }
        if let pattern {
            guard case .string(let s) = value else {
                return RecordError(.wrongType, field: name, "\(name): expected a string to match the pattern \(pattern.source), "
                    + "found \(value.typeName) \(Rendering.value(value))")
            }
            if !pattern.matches(s) {
                return RecordError(.patternMismatch, field: name,
                                   "\(name): \(Rendering.value(value)) does not match the pattern \(pattern.source)")
            }
        }
        if !itemTypes.isEmpty, case .array(let items) = value {
            for (i, item) in items.enumerated() where !itemTypes.contains(where: { Self.value(item, is: $0) }) {
                return RecordError(.wrongType, field: name, "\(name)[\(i)]: expected \(expectedText(itemTypes)), "
                    + "found \(item.typeName) \(Rendering.value(item))")
            }
        }
        return nil
    }

    private func checkRange(_ value: Value) -> RecordError? {
        guard let x = value.asDouble else {
            return RecordError(.wrongType, field: name, "\(name): expected a number for the range check, "
                + "found \(value.typeName) \(Rendering.value(value))")
        }
        // Rendered only for an error message: formatting a number per valid record is measurable.
        var shown: String { Rendering.value(value) }
        if x.isNaN { return RecordError(.outOfRange, field: name, "\(name): NaN is outside every range") }
        if let lo = minimum {
            if lo.exclusive, x <= lo.value {
                return RecordError(.outOfRange, field: name, "\(name): \(shown) is not above the exclusive minimum \(Rendering.number(lo.value))")
            }
            if !lo.exclusive, x < lo.value {
                return RecordError(.outOfRange, field: name, "\(name): \(shown) is below the minimum \(Rendering.number(lo.value))")
            }
        }
        if let hi = maximum {
            if hi.exclusive, x >= hi.value {
                return RecordError(.outOfRange, field: name, "\(name): \(shown) is not below the exclusive maximum \(Rendering.number(hi.value))")
            }
            if !hi.exclusive, x > hi.value {
                return RecordError(.outOfRange, field: name, "\(name): \(shown) is above the maximum \(Rendering.number(hi.value))")
            }
        }
        return nil
    }

    private func checkLength(_ value: Value) -> RecordError? {
        let length: Int
        let unit: String
        switch value {
        // ASCII text has as many characters as bytes: counting grapheme clusters is the slow path.
        case .string(let s): (length, unit) = (s.utf8.allSatisfy { $0 < 0x80 } ? s.utf8.count : s.count, "characters")
        case .array(let a): (length, unit) = (a.count, "elements")
        default:
            return RecordError(.wrongType, field: name, "\(name): expected a string or an array for the length check, "
                + "found \(value.typeName) \(Rendering.value(value))")
        }
        // Rendered only for an error message (as in checkRange).
        var shown: String { Rendering.value(value) }
        if let lo = minLength, length < lo {
            return RecordError(.badLength, field: name, "\(name): \(shown) has \(length) \(unit), fewer than the minimum length \(lo)")
        }
        if let hi = maxLength, length > hi {
            return RecordError(.badLength, field: name, "\(name): \(shown) has \(length) \(unit), more than the maximum length \(hi)")
        }
        return nil
    }

    private func expectedText(_ types: [FieldType]) -> String {
        Rendering.article(types.map(\.rawValue).joined(separator: " or "))
    }

    /// `integer` accepts integral doubles, `number` accepts integers.
    static func value(_ v: Value, is type: FieldType) -> Bool {
        switch (type, v) {
        case (.string, .string), (.boolean, .bool), (.object, .object), (.array, .array): true
        case (.number, .int), (.number, .double), (.integer, .int): true
        case (.integer, .double(let d)): d.isFinite && d.rounded() == d
        default: false
        }
    }

    /// Enum membership as the expression language's `in` sees it: `1 == 1.0`.
    static func looselyEqual(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): x == y
        case (.int, .double), (.double, .int), (.double, .double): a.asDouble! == b.asDouble!
        default: a == b
        }
    }
}
