import Foundation
import SluiceCore
import SluiceFormats
import SluiceOperators
import SluiceTopology
import Testing

/// Compiles small topologies written inline, with any side files (schemas) in a fresh temp directory.
enum TopologyFixture {
    struct CompileFailed: Error, CustomStringConvertible {
        let diagnostics: [Diagnostic]
        var description: String { diagnostics.map { "\($0)" }.joined(separator: "\n") }
    }

    /// A fresh directory holding `files` (name → contents); returns its path.
    static func directory(_ files: [String: String] = [:]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-ops-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return dir
    }

    /// Wraps `body` (operators and sinks sections) with a header and a JSON source `in`.
    static func compile(operators body: String, files: [String: String] = [:], processing: String = "") throws -> Topology {
        let yaml = """
            apiVersion: sluice/v1
            kind: Topology
            metadata: {name: test-topology, version: 3}
            \(processing)
            sources:
              in: {topic: in, format: json}
            \(body)
            """
        return try compile(yaml: yaml, files: files)
    }

    static func compile(yaml: String, files: [String: String] = [:]) throws -> Topology {
        let dir = try directory(files)
        let path = dir + "/topology.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try compile(file: path)
    }

    static func compile(file: String) throws -> Topology {
        let (topology, diagnostics) = TopologyCompiler.compile(file: file, environment: [:], hooks: ExpressionValidationHooks())
        guard let topology else { throw CompileFailed(diagnostics: diagnostics) }
        return topology
    }
}

/// Records and batches for tests.
enum Fixture {
    static let decoder = JSONRecordDecoder()

    static func record(_ json: String, timestamp: Int64 = 0, eventTime: Int64? = nil) throws -> Record {
        Record(fields: try decoder.decode(json), timestamp: timestamp, eventTime: eventTime)
    }

    static func context(now: Int64 = 1_700_000_000_000) -> OperatorContext {
        OperatorContext(partition: 0, processingTime: now, watermark: .min)
    }

    /// Runs one record through a stage; returns the output.
    static func run(_ stage: any StreamOperator, _ records: [Record], now: Int64 = 1_700_000_000_000) -> OperatorOutput {
        var output = OperatorOutput()
        stage.process(records, from: .main, context: context(now: now), into: &output)
        return output
    }

    static func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    static func header(_ headers: [Header], _ name: String) -> String? {
        text(headers.first { $0.name == name }?.value ?? nil)
    }
}
