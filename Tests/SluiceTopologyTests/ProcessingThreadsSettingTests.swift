import Foundation
import Testing
@testable import SluiceTopology

@Suite("processing.threads")
struct ProcessingThreadsSettingTests {
    static func topology(_ threads: String?) -> String {
        """
        apiVersion: sluice/v1
        kind: Topology
        metadata: {name: app}
        processing:
        \(threads.map { "  threads: \($0)" } ?? "  guarantee: at_least_once")
        sources:
          events: {topic: events}
        sinks:
          - {input: events, topic: copy}

        """
    }

    @Test("a count is kept as written") func count() throws {
        let t = try #require(compile(Self.topology("3")).topology)
        #expect(t.processing.threadsSetting == 3)
        #expect(t.processing.threads == 3)
    }

    @Test("auto and absent mean one thread per core", arguments: ["auto", nil] as [String?])
    func automatic(_ value: String?) throws {
        let t = try #require(compile(Self.topology(value)).topology)
        #expect(t.processing.threadsSetting == nil)
        #expect(t.processing.threads == ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test("zero, words and fractions are refused at their position", arguments: [
        ("0", "invalid-value@5:12"), ("many", "wrong-type@5:12"), ("1.5", "wrong-type@5:12"),
    ])
    func refused(_ value: String, _ expected: String) {
        let e = errors(compile(Self.topology(value)))
        #expect(e.map(position) == [expected])
    }
}
