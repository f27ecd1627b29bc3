import Foundation
import Testing
@testable import SluiceState

@Suite struct InspectorTests {
    func populate(_ dir: TempDir) throws -> PartitionState {
        let state = try PartitionState(config: .init(rootDirectory: dir.path, operatorName: "dedupe", partition: 1))
        let store = try KeyValueStore(name: "ids", options: .init(codec: .zstd))
        try state.register(store)
        for i in 0..<1000 { try store.put(Array("id-\(i)".utf8), Array(repeating: UInt8(i % 3), count: 50)) }
        _ = try state.checkpoint(offsets: ["events": [1: 1000]])
        store.delete(Array("id-5".utf8))
        try store.put(Array("id-6".utf8), Array("six".utf8))
        _ = try state.checkpoint(offsets: ["events": [1: 1002]])
        return state
    }

    @Test func inspectReportsManifestsSegmentsAndRatios() throws {
        let dir = TempDir()
        _ = try populate(dir)
        let report = StateInspector.inspect(dir: dir.path)
        let p = try #require(report.partitions.first)
        #expect(p.operatorName == "dedupe" && p.partition == 1)
        #expect(p.manifests.map(\.seq) == [2, 1])
        #expect(p.segments.count == 2 && p.segments.allSatisfy(\.live))
        let store = try #require(p.stores.first)
        #expect(store.liveKeys == 999)
        #expect(store.compressionRatio > 2)
        #expect(report.render().contains("ids  999 keys  2 segments"))
    }

    @Test func verifyFindsCorruptionAndOrphans() throws {
        let dir = TempDir()
        let state = try populate(dir)
        #expect(StateInspector.verify(dir: dir.path).isEmpty)
        let seg = try #require(state.currentManifest?.segments.first)
        try mutateFile(state.directory + "/" + seg.file) { $0[60] ^= 1 }
        try Data([0]).write(to: URL(fileURLWithPath: state.directory + "/orphan.slsg"))
        let issues = StateInspector.verify(dir: dir.path)
        #expect(issues.contains { $0.severity == .error && $0.region == .block(0) && $0.path.hasSuffix(seg.file) })
        #expect(issues.contains { $0.severity == .warning && $0.path.hasSuffix("orphan.slsg") })
        #expect(StateIssue.render(issues).contains("block 0"))
    }

    @Test func getReadsTheNewestValue() throws {
        let dir = TempDir()
        _ = try populate(dir)
        let six = try #require(try StateInspector.get(dir: dir.path, operator: "dedupe", key: Array("id-6".utf8)))
        #expect(six.value == Array("six".utf8) && six.partition == 1 && six.manifestSeq == 2)
        #expect(six.description.contains("\"six\""))
        #expect(try StateInspector.get(dir: dir.path, operator: "dedupe", key: Array("id-7".utf8))?.value == Array(repeating: 1, count: 50))
        #expect(try StateInspector.get(dir: dir.path, operator: "dedupe", key: Array("id-5".utf8)) == nil)
        #expect(try StateInspector.get(dir: dir.path, operator: "other", key: Array("id-6".utf8)) == nil)
    }
}
