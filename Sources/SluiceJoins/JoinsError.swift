import SluiceCore

/// A configuration or state error of the dedupe and join operators.
public struct JoinsError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The operator configuration is invalid.
        case invalidConfig = "INVALID_CONFIG"
        /// A stored state value cannot be decoded (written by another operator or corrupted).
        case corruptState = "CORRUPT_STATE"
    }

    public let code: Code
    /// A message a user can act on.
    public let message: String
    /// The operator concerned.
    public var operatorID: String?

    public init(_ code: Code, _ message: String, operatorID: String? = nil) {
        self.code = code
        self.message = message
        self.operatorID = operatorID
    }

    public var description: String {
        "\(operatorID.map { "operator '\($0)': " } ?? "")\(code.rawValue): \(message)"
    }
}

/// The text a key value is stored under: strings as they are, other values in their JSON-like form.
func keyText(_ value: Value) -> String {
    if case .string(let s) = value { return s }
    return value.description
}
