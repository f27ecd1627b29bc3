/// What the expression checker found in one expression.
public struct ExpressionCheck: Sendable, Hashable {
    /// Top-level field names the expression reads (`user.id` → `user`).
    public var referencedFields: Set<String>
    public var errors: [Issue]

    public struct Issue: Sendable, Hashable {
        /// Character offset inside the expression text.
        public var offset: Int
        public var message: String
        public var hint: String?
        public init(offset: Int, message: String, hint: String? = nil) {
            self.offset = offset
            self.message = message
            self.hint = hint
        }
    }

    public init(referencedFields: Set<String>, errors: [Issue] = []) {
        self.referencedFields = referencedFields
        self.errors = errors
    }
}

/// What the model checker found for one `infer` model.
public struct ModelCheck: Sendable, Hashable {
    /// The model's input features in order, when the model file declares them.
    public var featureNames: [String]?
    public var errors: [String]
    public init(featureNames: [String]?, errors: [String] = []) {
        self.featureNames = featureNames
        self.errors = errors
    }
}

/// Why a file is referenced, so a checker can look inside it.
public enum FilePurpose: String, Sendable, Hashable {
    case jsonSchema = "JSON Schema", avroSchema = "Avro schema", driftProfile = "drift reference profile"
}

/// The checks the compiler delegates: the expression language and model formats live in other modules.
///
/// `DefaultValidationHooks` is a self-contained implementation; the command line plugs in the real
/// expression compiler and model loaders.
public protocol ValidationHooks: Sendable {
    /// Parses and type-checks one expression.
    func checkExpression(_ text: String) -> ExpressionCheck
    /// Loads (or at least locates) a model and reports its features.
    func checkModel(_ spec: ModelSpec) -> ModelCheck
    /// Checks a referenced file; returns an error message, or `nil` when it is fine.
    func checkFile(_ path: String, purpose: FilePurpose) -> String?
}
