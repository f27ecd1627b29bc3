import SluiceCore

/// A YAML scalar after interpolation, with its location and resolved plain type.
struct YScalar {
    enum Resolved: Equatable {
        case null
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case string(String)
    }

    var text: String
    /// Where the scalar starts in the file (its first content character, after an opening quote).
    var location: SourceLocation
    var resolved: Resolved
    /// Whether the scalar was written plain (unquoted): only plain scalars become numbers, booleans or null.
    var isPlain: Bool

    var isNull: Bool { resolved == .null }

    /// A human rendering of the value for messages.
    var display: String { isNull ? "null" : text }

    /// YAML 1.2 core-schema resolution of a plain scalar.
    static func resolve(_ text: String, plain: Bool) -> Resolved {
        guard plain else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let i = Int64(text) { return .int(i) }
        if text.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true, let d = Double(text), d.isFinite {
            return .double(d)
        }
        return .string(text)
    }
}

/// A YAML mapping keeping its entries in file order (duplicates included, so they can be reported).
/// One `key: value` pair of a mapping.
struct YEntry {
    var key: YScalar
    var value: YNode
}

struct YMapping {
    var entries: [YEntry]
    var location: SourceLocation
}

/// The located YAML tree the compiler reads.
indirect enum YNode {
    case scalar(YScalar)
    case mapping(YMapping)
    case sequence([YNode], SourceLocation)

    var location: SourceLocation {
        switch self {
        case .scalar(let s): s.location
        case .mapping(let m): m.location
        case .sequence(_, let l): l
        }
    }

    /// What the node is, for "expected a mapping, found a sequence" messages.
    var kindName: String {
        switch self {
        case .scalar(let s):
            switch s.resolved {
            case .null: "null"
            case .bool: "boolean"
            case .int: "integer"
            case .double: "number"
            case .string: "string '\(s.text)'"
            }
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    var isNull: Bool { if case .scalar(let s) = self { s.isNull } else { false } }
}
