import ArgumentParser
import Foundation
import SluiceEngine
import SluiceState

struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state", abstract: "Inspect, verify and query checkpointed state (`<checkpoint.dir>/<application id>`).",
        subcommands: [Inspect.self, Verify.self, Get.self])

    struct KeyOptions: ParsableArguments {
        @Option(help: "Environment variable holding the state encryption key (hex or base64 of 32 bytes).") var keyEnv: String?
        @Option(help: "File holding the state encryption key.") var keyFile: String?

        func ring() throws -> EncryptionKeyRing {
            if let keyEnv { return EncryptionKeyRing([try EncryptionKey.fromEnvironment(keyEnv, id: "topology")]) }
            if let keyFile { return EncryptionKeyRing([try EncryptionKey.fromFile(keyFile, id: "topology")]) }
            return EncryptionKeyRing()
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print manifests, segments, sizes, compression ratios and key counts.")
        @Argument(help: "State directory of one application.") var dir: String
        @OptionGroup var keys: KeyOptions
        func run() throws { print(StateInspector.inspect(dir: dir, keys: try keys.ring()).render()) }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check every CRC of every segment and manifest; non-zero exit on corruption.")
        @Argument(help: "State directory of one application.") var dir: String
        @OptionGroup var keys: KeyOptions
        func run() throws {
            let issues = StateInspector.verify(dir: dir, keys: try keys.ring())
            print(StateIssue.render(issues), terminator: "")
            let errors = issues.filter { $0.severity == .error }.count
            print(errors == 0 ? "\(dir): ok (\(issues.count) warnings)" : "\(dir): \(errors) corrupt item(s)")
            if errors > 0 { throw ExitCode(2) }
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read the checkpointed state of one key of an operator (decoded when --topology is given).")
        @Argument(help: "State directory of one application.") var dir: String
        @Argument(help: "Operator id.") var operatorID: String
        @Argument(help: "Key (the entity key, e.g. a user id).") var key: String
        @Option(help: "The topology file, to decode the value with the operator's own state format.") var topology: String?
        @OptionGroup var keys: KeyOptions

        func run() throws {
            let ring = try keys.ring()
            let taskDirs = (try? FileManager.default.contentsOfDirectory(atPath: dir))?.filter { $0.hasPrefix("task-") }.sorted() ?? []
            for task in taskDirs {
                guard let hit = try StateInspector.get(dir: dir, operator: task, key: Array(key.utf8), store: operatorID, keys: ring)
                else { continue }
                if let topology {
                    let compiled = try TopologyLoading.compile(topology)
                    let fields = try StateDecoder.decode(topology: compiled, operatorID: operatorID, key: Array(key.utf8), value: hit.value)
                    print(fields)
                } else {
                    print(String(decoding: hit.value, as: UTF8.self).allSatisfy { !$0.isASCII || $0.isLetter || $0.isNumber || $0.isPunctuation || $0 == " " }
                        ? String(decoding: hit.value, as: UTF8.self) : hit.value.map { String(format: "%02x", $0) }.joined())
                }
                FileHandle.standardError.write(Data("(partition \(hit.partition), manifest \(hit.manifestSeq), segment \(hit.segment))\n".utf8))
                return
            }
            throw ValidationError("no state for key '\(key)' in operator '\(operatorID)' under \(dir)")
        }
    }
}
