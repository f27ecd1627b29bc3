import Foundation
import SluiceCore
import Testing
@testable import SluiceInference

@Suite("Model registry")
struct ModelRegistryTests {
    @Test("activate pushes history, rollback walks it back, ACTIVE and state.json follow")
    func activateAndRollback() throws {
        let registry = try Fixtures.logisticRegistry()
        #expect(try registry.list("fraud").map(\.version) == ["v1", "v2", "v3"])
        try registry.activate("fraud", version: "v1", by: "alice")
        let cell = try registry.deployment("fraud")
        try registry.activate("fraud", version: "v2", by: "alice")
        try registry.activate("fraud", version: "v3", by: "bob")
        #expect(cell.current.active.version == "v3")
        #expect(try registry.state(of: "fraud") == RegistryState(active: "v3", previous: ["v1", "v2"]))
        let activeFile = try String(contentsOfFile: registry.root + "/fraud/ACTIVE", encoding: .utf8)
        #expect(activeFile == "v3\n")

        #expect(try registry.rollback("fraud", by: "carol").active.version == "v2")
        #expect(cell.current.active.version == "v2")
        #expect(try registry.rollback("fraud", by: "carol").active.version == "v1")
        #expect(try registry.state(of: "fraud")?.previous == [])
        let error = #expect(throws: InferenceError.self) { try registry.rollback("fraud", by: "carol") }
        #expect(error?.code == .nothingToRollBack)
        #expect(cell.current.active.version == "v1")
        #expect(cell.current.generation > 0)
    }

    @Test("every action, failed ones included, is appended to the audit log")
    func auditLog() throws {
        let registry = try Fixtures.logisticRegistry()
        try registry.activate("fraud", version: "v1", by: "alice")
        try registry.activate("fraud", version: "v2", by: "bob", reason: "better auc")
        _ = try? registry.activate("fraud", version: "v9", by: "mallory")
        try registry.rollback(model: "fraud", reason: "psi 0.4 on amount")
        let entries = try registry.auditEntries().filter { $0.action != "register" }
        #expect(entries.map(\.action) == ["activate", "activate", "activate", "rollback"])
        #expect(entries.map(\.who) == ["alice", "bob", "mallory", "drift"])
        #expect(entries.map(\.result) == ["ok", "ok", "error", "ok"])
        #expect(entries[1].from == "v1" && entries[1].to == "v2" && entries[1].reason == "better auc")
        #expect(entries[2].error?.contains("v9") == true)
        #expect(entries[3].from == "v2" && entries[3].to == "v1" && entries[3].reason == "psi 0.4 on amount")
        #expect(entries.allSatisfy { !$0.time.isEmpty })
        // One JSON object per line.
        let lines = try String(contentsOfFile: registry.auditLogPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 + 4)
    }

    @Test("a model file whose SHA-256 differs from meta.yaml is refused and the active version stays")
    func checksumMismatch() throws {
        let registry = try Fixtures.logisticRegistry()
        try registry.activate("fraud", version: "v1", by: "alice")
        let path = registry.root + "/fraud/v2/model.json"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text += " "
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: InferenceError.self) { try registry.activate("fraud", version: "v2", by: "alice") }
        #expect(error?.code == .checksumMismatch)
        #expect(error?.description.contains("SHA-256") == true)
        #expect(try registry.state(of: "fraud")?.active == "v1")
    }

    @Test("meta.yaml features that differ from the model file's are refused, naming the difference")
    func metaFeatureMismatch() throws {
        let registry = try Fixtures.logisticRegistry()
        let metaPath = registry.root + "/fraud/v1/meta.yaml"
        let meta = try String(contentsOfFile: metaPath, encoding: .utf8).replacingOccurrences(of: "- hour", with: "- hour_of_day")
        try meta.write(toFile: metaPath, atomically: true, encoding: .utf8)
        let error = #expect(throws: InferenceError.self) { try registry.load("fraud", version: "v1") }
        #expect(error?.code == .featureMismatch)
        #expect(error?.message.contains("hour_of_day") == true)
    }

    @Test("versions list in natural order and meta.yaml round-trips")
    func listing() throws {
        let root = Fixtures.tempDir()
        let registry = ModelRegistry(root: root)
        for v in ["v10", "v2", "v1"] {
            try registry.register(modelFile: Fixtures.modelFile("linear"), name: "m", version: v, by: "ci")
        }
        let metas = try registry.list("m")
        #expect(metas.map(\.version) == ["v1", "v2", "v10"])
        #expect(metas[0].format == "simple-linear-json" && metas[0].features == Fixtures.linearFeatures)
        #expect(metas[0].sha256.count == 64)
        #expect(throws: InferenceError.self) { try registry.register(modelFile: Fixtures.modelFile("linear"), name: "m", version: "v1", by: "ci") }
        #expect(throws: InferenceError.self) { try registry.load("m", version: "../m") }
    }

    @Test("a version whose features differ from a running operator's is refused")
    func operatorRequirements() throws {
        let registry = try Fixtures.logisticRegistry()
        try registry.register(modelFile: Fixtures.modelFile("xgb_binary"), name: "fraud", version: "v4", by: "ci")
        try registry.activate("fraud", version: "v1", by: "alice")
        _ = try InferOperator(config: InferConfig(id: "score", model: .registry(registry, name: "fraud"),
                                                  features: Fixtures.linearFeatures))
        let error = #expect(throws: InferenceError.self) { try registry.activate("fraud", version: "v4", by: "alice") }
        #expect(error?.code == .featureMismatch)
        #expect(error?.message.contains("merchant_category_code") == true)
        #expect(try registry.deployment("fraud").current.active.version == "v1")
    }

    @Test("canary, shadow and promote through control messages")
    func controlMessages() throws {
        let registry = try Fixtures.logisticRegistry()
        try registry.apply(controlMessage: Array(#"{"action":"activate","model":"fraud","version":"v1"}"#.utf8))
        var d = try registry.apply(controlMessage: Array(#"{"action":"canary","model":"fraud","version":"v2","share":0.25}"#.utf8))
        #expect(d.strategy == .canary(share: 0.25) && d.candidate?.version == "v2")
        d = try registry.apply(controlMessage: Array(#"{"action":"shadow","model":"fraud","version":"v3","by":"eve"}"#.utf8))
        #expect(d.strategy == .shadow && d.candidate?.version == "v3")
        d = try registry.apply(controlMessage: Array(#"{"action":"rollback","model":"fraud"}"#.utf8))
        #expect(d.strategy == .replace && d.candidate == nil && d.active.version == "v1")
        try registry.apply(controlMessage: Array(#"{"action":"canary","model":"fraud","version":"v3","share":1}"#.utf8))
        d = try registry.apply(controlMessage: Array(#"{"action":"promote","model":"fraud"}"#.utf8))
        #expect(d.active.version == "v3" && d.candidate == nil)
        #expect(try registry.state(of: "fraud")?.previous == ["v1"])
        #expect(try registry.auditEntries().contains { $0.who == "eve" && $0.action == "shadow" })
    }

    @Test("invalid control messages are rejected with the reason", arguments: [
        (#"not json"#, "not a JSON"),
        (#"{"model":"fraud"}"#, "needs 'action'"),
        (#"{"action":"explode","model":"fraud"}"#, "unknown action"),
        (#"{"action":"activate"}"#, "needs 'model'"),
        (#"{"action":"activate","model":"fraud"}"#, "needs 'version'"),
        (#"{"action":"canary","model":"fraud","version":"v2"}"#, "share"),
        (#"{"action":"canary","model":"fraud","version":"v2","share":1.5}"#, "share"),
        (#"{"action":"canary","model":"fraud","version":"v2","share":"a lot"}"#, "share"),
        (#"{"action":"activate","model":42,"version":"v2"}"#, "model"),
    ])
    func invalidControlMessages(message: String, reason: String) throws {
        let registry = try Fixtures.logisticRegistry()
        try registry.activate("fraud", version: "v1", by: "alice")
        let error = #expect(throws: InferenceError.self) { try registry.apply(controlMessage: Array(message.utf8)) }
        #expect(error?.code == .invalidControlMessage)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
        #expect(try registry.state(of: "fraud") == RegistryState(active: "v1"))
    }

    @Test("promote without a candidate and a model without an active version are errors")
    func missingPreconditions() throws {
        let registry = try Fixtures.logisticRegistry()
        #expect(throws: InferenceError.self) { try registry.deployment("fraud") }
        try registry.activate("fraud", version: "v1", by: "alice")
        let error = #expect(throws: InferenceError.self) { try registry.promote("fraud", by: "alice") }
        #expect(error?.code == .noCandidate)
    }
}
