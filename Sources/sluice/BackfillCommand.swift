import ArgumentParser
import Foundation
import SluiceEngine

struct BackfillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Run a topology's operators over a file in event-time order and write what the sinks would produce.")
    @Argument(help: "The topology file.") var topology: String
    @Option(help: "Input events: .jsonl (one JSON object per line) or .csv (header row).") var input: String
    @Option(help: "Output file (JSON lines).") var output: String
    @Option(help: "Only this sink topic (default: every sink, each line tagged with its topic).") var topic: String?
    @Option(help: "Source the file feeds (default: the first source).") var source: String?

    func run() throws {
        let compiled = try TopologyLoading.compile(topology)
        let results = try BackfillRunner.run(topology: compiled, inputPath: input, sourceID: source)
        var out = Data()
        var written = 0
        for r in results where topic == nil || r.topic == topic {
            if topic == nil {
                out.append(Data(#"{"topic":"\#(r.topic)","value":"#.utf8))
                if r.value.first == UInt8(ascii: "{") {
                    out.append(Data(r.value))
                } else {
                    // A CSV or Avro sink: carry the bytes as a JSON string so every line stays JSON.
                    let text = String(decoding: r.value, as: UTF8.self)
                    out.append(try JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed]))
                }
                out.append(Data("}\n".utf8))
            } else {
                out.append(Data(r.value))
                out.append(Data("\n".utf8))
            }
            written += 1
        }
        try out.write(to: URL(fileURLWithPath: output))
        print("wrote \(written) records to \(output)")
    }
}
