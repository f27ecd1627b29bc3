/// A failure to load (or to score offline with) a model.
///
/// Every error names what is wrong and where: `path` is the model file, `detail` the
/// operator, node or field concerned (for example `node 'Gemm_3' (Gemm): attribute 'transB'`).
/// Loading reports every problem, so `sluice validate` can reject a model before the first record.
public struct ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem occurred.
    public enum Code: String, Sendable, Equatable {
        /// The file could not be read.
        case unreadable
        /// The file format could not be recognised from its extension and content.
        case unknownFormat
        /// The bytes are not valid JSON / protobuf / text for the format (truncated, corrupt).
        case malformed
        /// A required field, attribute or input is absent.
        case missingField
        /// A field is present but has the wrong type, shape or an out-of-range value.
        case invalidField
        /// The model uses a feature this engine does not implement (objective, operator, split type).
        case unsupported
        /// Offline scoring: the input CSV does not match the model.
        case badInput
    }

    public let code: Code
    /// A message a user can act on.
    public let message: String
    /// The model (or CSV) file concerned, if known.
    public var path: String?
    /// The operator / node / field concerned, if any.
    public var detail: String?

    public init(_ code: Code, _ message: String, path: String? = nil, detail: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.detail = detail
    }

    public var description: String {
        var text = "model error (\(code.rawValue)): \(message)"
        if let detail { text += " [\(detail)]" }
        if let path { text += " in \(path)" }
        return text
    }

    /// Returns a copy with `path` set if it was not set yet.
    func at(path newPath: String) -> ModelError {
        var copy = self
        if copy.path == nil { copy.path = newPath }
        return copy
    }

    /// Returns a copy whose `detail` is prefixed with `context` (outermost context first).
    func within(_ context: String) -> ModelError {
        var copy = self
        copy.detail = copy.detail.map { "\(context): \($0)" } ?? context
        return copy
    }
}
