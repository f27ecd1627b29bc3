import Foundation
import Testing
@testable import SluiceModels

/// A fixed-seed generator so the fuzz cases are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Malformed model files give a ModelError, never a crash")
struct MalformedModelTests {
    private func load(_ bytes: [UInt8], _ id: String) -> Result<any ScoringModel, ModelError> {
        let ext = URL(fileURLWithPath: Fixtures.modelPath(id)).pathExtension
        do throws(ModelError) {
            return .success(try ModelLoader.load(bytes: bytes, fileExtension: ext, featureNames: Fixtures.features(id)))
        } catch {
            return .failure(error)
        }
    }

    @Test("truncation at many offsets is rejected", arguments: Fixtures.modelIDs)
    func truncated(id: String) {
        let bytes = Fixtures.bytes(Fixtures.modelPath(id))
        // LightGBM's parameter section after "end of trees" and the trailing opset_import of an
        // ONNX file are optional; truncations inside the model proper must fail.
        let mustFailBelow: Int
        if id.hasPrefix("lgbm") {
            mustFailBelow = String(decoding: bytes, as: UTF8.self).utf8.count
                - String(decoding: bytes, as: UTF8.self).components(separatedBy: "end of trees").last!.utf8.count - 12
        } else if id.hasPrefix("onnx") {
            mustFailBelow = bytes.count * 9 / 10
        } else {
            mustFailBelow = bytes.count
        }
        let step = max(1, bytes.count / 150)
        var accepted = [Int]()
        for cut in stride(from: 0, to: bytes.count, by: step) {
            if case .success = load(Array(bytes[..<cut]), id), cut < mustFailBelow { accepted.append(cut) }
        }
        #expect(accepted.isEmpty, "truncations accepted at \(accepted.prefix(5))")
    }

    @Test("random byte flips (fixed seed) load or fail cleanly; loaded models still score", arguments: Fixtures.modelIDs)
    func byteFlips(id: String) {
        let original = Fixtures.bytes(Fixtures.modelPath(id))
        var rng = SplitMix64(state: 0x5EED ^ UInt64(id.utf8.count))
        var rejected = 0
        for _ in 0..<150 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[i] ^= UInt8.random(in: 1...255, using: &rng)
            }
            switch load(bytes, id) {
            case .failure: rejected += 1
            case .success(let model):
                let rows = 3
                let input = [Double](repeating: 1, count: rows * model.featureNames.count)
                #expect(model.score(input, rows: rows).count == rows * model.outputNames.count)
            }
        }
        #expect(rejected > 0)
    }

    @Test("wrong JSON types name the field",
          arguments: [
            ("linear", "\"intercept\": ", "\"intercept\": \"x\", \"was\": ", "$.intercept"),
            ("logistic", "\"coef\": [", "\"coef\": [\"a\",", "$.coef[0]"),
            ("xgb_binary", "\"split_conditions\":[", "\"split_conditions\":[true,", "split_conditions[0]"),
            ("xgb_binary", "\"base_score\":\"", "\"base_score\":\"abc", "base_score"),
            ("xgb_regression", "\"trees\":[", "\"trees\":{\"a\":1},\"x\":[", "trees"),
          ])
    func wrongJSONTypes(id: String, find: String, replace: String, field: String) throws {
        let text = String(decoding: Fixtures.bytes(Fixtures.modelPath(id)), as: UTF8.self)
        #expect(text.contains(find))
        let edited = Array(text.replacingOccurrences(of: find, with: replace).utf8)
        guard case .failure(let error) = load(edited, id) else {
            Issue.record("edited \(id) model loaded")
            return
        }
        #expect(error.code == .invalidField)
        #expect(error.detail?.contains(field) == true, "\(error)")
    }

    @Test("an unknown ONNX operator is a load-time error naming the op and node")
    func unknownOp() {
        let edited = replace("LinearClassifier", with: "LinearClassifiez", in: Fixtures.bytes(Fixtures.modelPath("onnx_logreg")))
        guard case .failure(let error) = load(edited, "onnx_logreg") else { Issue.record("loaded"); return }
        #expect(error.code == .unsupported)
        #expect(error.message.contains("LinearClassifiez"))
        #expect(error.detail?.contains("node 'LinearClassifiez'") == true, "\(error)")
    }

    @Test("a missing required ONNX attribute names the node and attribute")
    func missingAttribute() {
        let edited = replace("nodes_truenodeids", with: "nodes_truenodeidz", in: Fixtures.bytes(Fixtures.modelPath("onnx_gb_regressor")))
        guard case .failure(let error) = load(edited, "onnx_gb_regressor") else { Issue.record("loaded"); return }
        #expect(error.code == .missingField)
        #expect(error.detail?.contains("(TreeEnsembleRegressor): attribute 'nodes_truenodeids'") == true, "\(error)")
    }

    @Test("a missing file and an unknown format are reported with the path")
    func unreadable() {
        #expect(throws: ModelError.self) { try ModelLoader.load(contentsOf: "/nonexistent/model.onnx") }
        do {
            _ = try ModelLoader.load(bytes: Array("hello".utf8), fileExtension: "bin")
            Issue.record("loaded")
        } catch {
            #expect(error.code == .unknownFormat)
        }
    }

    private func replace(_ a: String, with b: String, in bytes: [UInt8]) -> [UInt8] {
        let find = Array(a.utf8), repl = Array(b.utf8)
        var out = bytes
        var i = 0
        while i + find.count <= out.count {
            if Array(out[i..<(i + find.count)]) == find { out.replaceSubrange(i..<(i + find.count), with: repl); i += repl.count } else { i += 1 }
        }
        return out
    }
}
