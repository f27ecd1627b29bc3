public import SluiceCore

/// A value together with where it was written, so later stages can still point at the file.
public struct Located<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var location: SourceLocation
    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// An expression of the Sluice expression language, as written, with the location of its first character.
public struct Expression: Sendable, Hashable, CustomStringConvertible {
    public var text: String
    public var location: SourceLocation
    public init(_ text: String, at location: SourceLocation) {
        self.text = text
        self.location = location
    }
    public var description: String { text }

    /// The field name if the expression is just one (possibly dotted) field reference, e.g. `user_id`.
    public var simpleField: String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let first = t.unicodeScalars.first, first == "_" || first.properties.isAlphabetic,
              t.unicodeScalars.allSatisfy({ $0 == "_" || $0 == "." || $0.properties.isAlphabetic || $0.properties.numericType != nil })
        else { return nil }
        return t
    }
}

/// A reference to an operator's or source's output stream: `validated`, or `router.high` for a route branch.
public struct StreamRef: Sendable, Hashable, CustomStringConvertible {
    /// The source or operator id.
    public var node: String
    /// The route branch, for references into a `route` operator.
    public var branch: String?
    public var location: SourceLocation

    public init(node: String, branch: String? = nil, at location: SourceLocation) {
        self.node = node
        self.branch = branch
        self.location = location
    }

    /// Parses `id` or `id.branch`.
    public init(parsing text: String, at location: SourceLocation) {
        if let dot = text.firstIndex(of: ".") {
            self.init(node: String(text[..<dot]), branch: String(text[text.index(after: dot)...]), at: location)
        } else {
            self.init(node: text, at: location)
        }
    }

    public var description: String { branch.map { "\(node).\($0)" } ?? node }
}

/// A secret given by reference only: the topology never holds the secret itself.
public enum SecretRef: Sendable, Hashable {
    /// Read from this file (absolute path) at start-up.
    case file(String)
    /// Read from this environment variable at start-up.
    case environment(String)
}

import Foundation
