import SluiceCore
import SluiceOperators
import SluiceTopology
import Testing

@Suite("expression validation hooks")
struct ExpressionHooksTests {
    static func yaml(_ condition: String) -> String {
        """
        apiVersion: sluice/v1
        kind: Topology
        metadata: {name: t}
        sources:
          in: {topic: in, columns: {amount: number, user: string}, format: csv}
        operators:
          - id: f
            type: filter
            input: in
            where: "\(condition)"
        sinks:
          - {input: f, topic: out}
        """
    }

    static func diagnostics(_ condition: String, hooks: any ValidationHooks) -> [Diagnostic] {
        TopologyCompiler.compile(yaml: yaml(condition), file: "t.yaml", environment: [:], hooks: hooks).diagnostics
            .filter { $0.severity == .error }
    }

    @Test("real syntax and type errors, at the column inside the expression", arguments: [
        ("amount = 1", 20, "use '==' to compare"),
        ("lg1p(amount) > 1", 13, "did you mean 'log1p'?"),
        ("log1p(amount, 2, 3) > 1", 13, nil),
        ("amount == null", 20, "write is_null(amount)"),
    ] as [(String, Int, String?)])
    func realErrors(_ condition: String, _ column: Int, _ hint: String?) throws {
        // The default lexical scan accepts all of these.
        #expect(Self.diagnostics(condition, hooks: DefaultValidationHooks()).isEmpty)
        let errors = Self.diagnostics(condition, hooks: ExpressionValidationHooks())
        let error = try #require(errors.first)
        #expect(errors.count == 1)
        #expect(error.code == DiagnosticCode.expression)
        #expect(error.location.line == 10)  // the `where:` line; the expression starts at column 13
        #expect(error.location.column == column)
        if let hint { #expect(error.hint == hint) }
    }

    @Test("referenced fields are reported by their top-level name, so unknown fields are still caught")
    func fields() throws {
        let hooks = ExpressionValidationHooks()
        #expect(hooks.checkExpression("user.country == 'DE' and log1p(amount) > 1").referencedFields == ["user", "amount"])
        let errors = Self.diagnostics("amout > 1", hooks: hooks)
        #expect(errors.map(\.code) == [DiagnosticCode.unknownField])
        #expect(errors.first?.hint == "did you mean 'amount'?")
    }

    @Test("the example topologies compile with the real expression checker", arguments: ["etl.yaml", "fraud-detection.yaml", "passthrough.yaml"])
    func examples(_ name: String) {
        let (topology, diagnostics) = TopologyCompiler.compile(
            file: TestPaths.topologies + "/" + name, environment: [:], hooks: ExpressionValidationHooks())
        #expect(topology != nil, "\(diagnostics.map(\.description))")
    }
}
