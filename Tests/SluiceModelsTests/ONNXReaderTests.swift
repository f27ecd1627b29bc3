import Foundation
import Testing
@testable import SluiceModels

@Suite("ONNX protobuf reader and graph")
struct ONNXReaderTests {
    static let onnxIDs = Fixtures.modelIDs.filter { $0.hasPrefix("onnx") }

    @Test("the decoded protobuf agrees with the fixture's JSON dump", arguments: onnxIDs)
    func matchesJSONDump(id: String) throws {
        let proto = try ONNXModelProto(bytes: Fixtures.bytes(Fixtures.modelPath(id)))
        let data = try Data(contentsOf: Fixtures.dir(id).appendingPathComponent("model.onnx.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(proto.irVersion == Int64(json["irVersion"] as! String))
        let opsets = (json["opsetImport"] as! [[String: Any]]).map { ($0["domain"] as? String ?? "", Int64($0["version"] as! String)!) }
        #expect(proto.opsets.map(\.domain) == opsets.map(\.0))
        #expect(proto.opsets.map(\.version) == opsets.map(\.1))
        let graph = try #require(proto.graph)
        let jsonGraph = json["graph"] as! [String: Any]
        let nodes = jsonGraph["node"] as! [[String: Any]]
        #expect(graph.nodes.map(\.opType) == nodes.map { $0["opType"] as! String })
        #expect(graph.nodes.map(\.inputs) == nodes.map { $0["input"] as? [String] ?? [] })
        #expect(graph.nodes.map(\.attributes.count) == nodes.map { ($0["attribute"] as? [Any])?.count ?? 0 })
        let inits = jsonGraph["initializer"] as? [[String: Any]] ?? []
        #expect(graph.initializers.map(\.name) == inits.map { $0["name"] as! String })
        #expect(graph.initializers.map(\.dims) == inits.map { ($0["dims"] as? [String] ?? []).map { Int64($0)! } })
        #expect(graph.outputs.map(\.name) == (jsonGraph["output"] as! [[String: Any]]).map { $0["name"] as! String })
    }

    @Test("packed and unpacked repeated fields decode alike")
    func packedAndUnpacked() throws {
        // TensorProto: dims=[2] (unpacked varint), data_type=1, float_data packed [1.5, -2] then one unpacked 3.
        var bytes: [UInt8] = [0x08, 0x02, 0x10, 0x01, 0x22, 0x08]
        bytes += withUnsafeBytes(of: Float(1.5).bitPattern.littleEndian, Array.init)
        bytes += withUnsafeBytes(of: Float(-2).bitPattern.littleEndian, Array.init)
        bytes += [0x25] + withUnsafeBytes(of: Float(3).bitPattern.littleEndian, Array.init)
        bytes += [0x3A, 0x02, 0x05, 0x7F] // int64_data packed [5, 127]
        var reader = ProtobufReader(bytes: bytes, message: "TensorProto")
        let tensor = try ONNXTensorProto(&reader)
        #expect(tensor.dims == [2])
        #expect(tensor.floatData == [1.5, -2, 3])
        #expect(tensor.int64Data == [5, 127])
        // A negative int64 is a 10-byte varint.
        var negative = ProtobufReader(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], message: "test")
        #expect(try negative.readInt64() == -1)
    }

    @Test("duplicate opset_import entries for a domain are tolerated")
    func duplicateOpsets() throws {
        let original = Fixtures.bytes(Fixtures.modelPath("onnx_rf_classifier"))
        let domain = Array("ai.onnx.ml".utf8)
        let opset: [UInt8] = [0x0A, UInt8(domain.count)] + domain + [0x10, 0x03]
        let edited = original + [0x42, UInt8(opset.count)] + opset
        let features = Fixtures.features("onnx_rf_classifier")
        let a = try ONNXModel(bytes: original, featureNames: features)
        let b = try ONNXModel(bytes: edited, featureNames: features)
        #expect(b.opsetImports.filter { $0.domain == "ai.onnx.ml" }.count == 2)
        let (input, rows) = Fixtures.inputs("onnx_rf_classifier", for: a)
        let (sa, sb) = (a.score(input, rows: rows), b.score(input, rows: rows))
        #expect(sa.count == sb.count && zip(sa, sb).allSatisfy { $0 == $1 })
    }

    @Test("without feature names an ONNX model's columns are f0..fN-1")
    func defaultFeatureNames() throws {
        let model = try ModelLoader.load(contentsOf: Fixtures.modelPath("onnx_gb_regressor"))
        #expect(model.featureNames == (0..<7).map { "f\($0)" })
        #expect(throws: ModelError.self) {
            try ModelLoader.load(contentsOf: Fixtures.modelPath("onnx_gb_regressor"), featureNames: ["a", "b"])
        }
    }
}

@Suite("Offline CSV scoring")
struct OfflineScorerTests {
    private func temp(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sluice-models-\(UUID().uuidString)-\(name)").path
    }

    @Test("columns in any order plus extra columns; empty cells are missing")
    func reorderedColumns() throws {
        let id = "xgb_binary"
        let model = try ModelLoader.load(contentsOf: Fixtures.modelPath(id))
        let table = Fixtures.csv(Fixtures.dir(id).appendingPathComponent("inputs.csv"))
        let order = model.featureNames.reversed() + ["comment"]
        var csv = order.joined(separator: ",") + "\n"
        for row in table.rows {
            let cells = order.map { name -> String in
                guard let i = table.header.firstIndex(of: name) else { return "x" }
                return row[i].isNaN ? "" : "\(row[i])"
            }
            csv += cells.joined(separator: ",") + "\n"
        }
        let inPath = temp("in.csv"), outPath = temp("out.csv")
        try csv.write(toFile: inPath, atomically: true, encoding: .utf8)
        let count = try OfflineScorer.scoreCSV(model: model, inputPath: inPath, outputPath: outPath)
        #expect(count == table.rows.count)
        let written = Fixtures.csv(URL(fileURLWithPath: outPath))
        let expected = Fixtures.csv(Fixtures.dir(id).appendingPathComponent("expected.csv"))
        #expect(written.header == ["row", "margin", "probability"])
        #expect(written.column("row") == expected.column("row_id"))
        #expect(written.column("margin") == expected.column("margin"))
        #expect(zip(written.column("probability"), expected.column("probability")).allSatisfy { abs($0 - $1) <= 1e-6 })
    }

    @Test("a missing feature column or a bad cell is a badInput error naming it")
    func badInput() throws {
        let model = try ModelLoader.load(contentsOf: Fixtures.modelPath("linear"))
        let inPath = temp("bad.csv")
        try "amount,hour\n1,2\n".write(toFile: inPath, atomically: true, encoding: .utf8)
        do {
            try OfflineScorer.scoreCSV(model: model, inputPath: inPath, outputPath: temp("o.csv"))
            Issue.record("accepted")
        } catch {
            #expect(error.code == .badInput)
            #expect(error.message.contains("log_amount"))
        }
        let header = model.featureNames.joined(separator: ",")
        let row = model.featureNames.map { _ in "1" }.joined(separator: ",")
        try "\(header)\n\(row)\n\(row.replacingOccurrences(of: "1,1", with: "1,abc"))\n".write(toFile: inPath, atomically: true, encoding: .utf8)
        do {
            try OfflineScorer.scoreCSV(model: model, inputPath: inPath, outputPath: temp("o.csv"))
            Issue.record("accepted")
        } catch {
            #expect(error.code == .badInput)
            #expect(error.detail?.contains("line 3") == true, "\(error)")
        }
    }
}
