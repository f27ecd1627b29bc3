import SluiceExpressions
public import SluiceTopology

/// Validation hooks for `sluice validate` that check expressions with the real expression parser and
/// type checker (syntax errors with their character offset and hint, wrong argument counts, invalid
/// literal regexes or bucket edges, `x == null`), and report the top-level fields each expression
/// reads. Models and files are checked by `DefaultValidationHooks`.
///
/// ```swift
/// let (topology, diagnostics) = TopologyCompiler.compile(file: path, environment: env, hooks: ExpressionValidationHooks())
/// ```
public struct ExpressionValidationHooks: ValidationHooks {
    let base: DefaultValidationHooks

    public init(base: DefaultValidationHooks = DefaultValidationHooks()) {
        self.base = base
    }

    public func checkExpression(_ text: String) -> ExpressionCheck {
        let parsed: SluiceExpressions.Expression
        do { parsed = try SluiceExpressions.Expression.parse(text) } catch {
            // The lexical scan still finds the fields, so unknown-field checks keep working.
            let fields = base.checkExpression(text).referencedFields
            return ExpressionCheck(referencedFields: fields, errors: [.init(offset: error.offset, message: error.message, hint: error.hint)])
        }
        do {
            let compiled = try parsed.compile(schema: nil)
            return ExpressionCheck(referencedFields: Self.topLevel(compiled.referencedFields))
        } catch {
            let fields = base.checkExpression(text).referencedFields
            return ExpressionCheck(referencedFields: fields, errors: [.init(offset: error.offset, message: error.message, hint: error.hint)])
        }
    }

    public func checkModel(_ spec: ModelSpec) -> ModelCheck { base.checkModel(spec) }

    public func checkFile(_ path: String, purpose: FilePurpose) -> String? { base.checkFile(path, purpose: purpose) }

    /// `user.country` → `user`: the compiler checks top-level names against upstream fields.
    static func topLevel(_ names: Set<String>) -> Set<String> {
        Set(names.map { name in name.firstIndex(of: ".").map { String(name[..<$0]) } ?? name })
    }
}
