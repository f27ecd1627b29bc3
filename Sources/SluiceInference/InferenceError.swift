/// A failure in the model registry or in an `infer` operator's configuration.
///
/// Every error says what is wrong and how to fix it, and names the model, version and path concerned.
/// Scoring itself never throws: bad records become dead letters (`RecordError`).
public struct InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The model name or version does not exist in the registry.
        case notFound = "NOT_FOUND"
        /// `meta.yaml` is missing, malformed, or disagrees with its directory.
        case invalidMeta = "INVALID_META"
        /// The model file's SHA-256 differs from `meta.yaml` (file changed or corrupt).
        case checksumMismatch = "CHECKSUM_MISMATCH"
        /// Feature lists disagree (meta vs model file, or operator config vs model).
        case featureMismatch = "FEATURE_MISMATCH"
        /// The model file could not be loaded (see the wrapped `ModelError` text).
        case modelLoad = "MODEL_LOAD"
        /// The model's outputs cannot be mapped to a score.
        case unsupportedOutputs = "UNSUPPORTED_OUTPUTS"
        /// The model has no active version yet.
        case noActiveVersion = "NO_ACTIVE_VERSION"
        /// Rollback was requested but there is no earlier version in the history.
        case nothingToRollBack = "NOTHING_TO_ROLL_BACK"
        /// Promote was requested but no canary or shadow candidate is deployed.
        case noCandidate = "NO_CANDIDATE"
        /// A control message is not valid JSON or misses / misuses a field.
        case invalidControlMessage = "INVALID_CONTROL_MESSAGE"
        /// The `infer` operator configuration is invalid.
        case invalidConfig = "INVALID_CONFIG"
        /// Reading or writing registry files failed.
        case io = "IO"
    }

    public let code: Code
    /// A message a user can act on.
    public let message: String
    public var model: String?
    public var version: String?
    /// The file concerned, if any.
    public var path: String?

    public init(_ code: Code, _ message: String, model: String? = nil, version: String? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.model = model
        self.version = version
        self.path = path
    }

    public var description: String {
        var text = "inference error (\(code.rawValue)): \(message)"
        if let model { text += " [model \(model)\(version.map { " version \($0)" } ?? "")]" }
        if let path { text += " in \(path)" }
        return text
    }
}
