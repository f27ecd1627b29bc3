import SluiceCore
import Testing
@testable import SluiceJoins

@Suite("Dedupe")
struct DedupeOperatorTests {
    func passedIDs(_ out: OperatorOutput) -> [String] { out.records.map { $0["event_id"]!.asString! } }

    @Test("repeats within the TTL are dropped and counted; after the TTL they pass again")
    func ttl() throws {
        let op = try DedupeOperator(config: DedupeConfig(id: "d", field: "event_id", ttl: 100))
        var out = OperatorOutput()
        op.process([event("a", at: 0), event("b", at: 10), event("a", at: 50), event("a", at: 40)],
                   from: .main, context: context(), into: &out)
        #expect(passedIDs(out) == ["a", "b"])
        #expect(op.duplicatesDropped == 2 && out.deadLetters.isEmpty)
        out.removeAll()
        // a@150 is 100 ms after a@50: a duplicate, which refreshes the last sighting; a@251 is 101 ms after that.
        op.process([event("a", at: 150), event("b", at: 111), event("a", at: 251)], from: .main, context: context(),
                   into: &out)
        #expect(passedIDs(out) == ["b", "a"])
        #expect(op.duplicatesDropped == 3 && op.passed == 4)
    }

    @Test("expired ids are purged once the watermark passes; records without an id are dead letters")
    func purgeAndMissingID() throws {
        let op = try DedupeOperator(config: DedupeConfig(id: "d", field: "event_id", ttl: 100))
        var out = OperatorOutput()
        op.process([event("a", at: 0), event("b", at: 500), Record(fields: ["amount": 3])], from: .main,
                   context: context(), into: &out)
        #expect(out.deadLetters.map(\.error.code) == [.missingField])
        #expect(op.trackedIDs == 2)
        op.advance(context: context(watermark: 101), into: &out)
        #expect(op.trackedIDs == 1 && op.lookup(key: Array("a".utf8)) == nil)
        #expect(op.lookup(key: Array("b".utf8)) == ["id": "b", "last_seen": 500, "expires": 600])
    }

    @Test("records without event time use processing time")
    func processingTime() throws {
        let op = try DedupeOperator(config: DedupeConfig(id: "d", field: "event_id", ttl: 1000))
        var out = OperatorOutput()
        op.process([event("a", at: nil)], from: .main, context: context(now: 10_000), into: &out)
        op.process([event("a", at: nil)], from: .main, context: context(now: 10_900), into: &out)
        op.process([event("a", at: nil)], from: .main, context: context(now: 12_000), into: &out)
        #expect(out.records.count == 2 && op.duplicatesDropped == 1)
    }

    @Test("a fresh operator loaded from saved state continues identically; saves write only changes")
    func saveLoadRoundTrip() throws {
        var rng = SplitMix64(seed: 7)
        let events = (0..<2000).map { i in event("id\(Int.random(in: 0..<300, using: &rng))", at: Int64(i * 3)) }
        let config = DedupeConfig(id: "d", field: "event_id", ttl: 400)
        let original = try DedupeOperator(config: config)
        let store = MemoryStore()
        var out = OperatorOutput()
        for (n, chunk) in stride(from: 0, to: 1000, by: 100).enumerated() {
            original.process(Array(events[chunk..<(chunk + 100)]), from: .main, context: context(), into: &out)
            original.advance(context: context(watermark: Int64(chunk * 3)), into: &out)
            if n == 4 { try original.saveState(into: store) }
        }
        try original.saveState(into: store)
        #expect(store.deletes > 0)  // purged ids are deleted from the store
        #expect(store.data.count == original.trackedIDs)
        let putsBefore = store.puts
        try original.saveState(into: store)
        #expect(store.puts == putsBefore)  // nothing changed since the last save

        let restored = try DedupeOperator(config: config)
        try restored.loadState(from: store)
        var a = OperatorOutput(), b = OperatorOutput()
        for chunk in stride(from: 1000, to: 2000, by: 100) {
            if chunk == 1500 {
                let puts = store.puts
                try original.saveState(into: store)
                // Only ids seen since the last save and still remembered are written.
                let touched = Set(events[1000..<1500].map { $0["event_id"]!.asString! })
                let live = touched.filter { original.lookup(key: Array($0.utf8)) != nil }
                #expect(store.puts - puts == live.count)
                #expect(store.data.count == original.trackedIDs)
            }
            let batch = Array(events[chunk..<(chunk + 100)])
            original.process(batch, from: .main, context: context(), into: &a)
            restored.process(batch, from: .main, context: context(), into: &b)
            original.advance(context: context(watermark: Int64(chunk * 3)), into: &a)
            restored.advance(context: context(watermark: Int64(chunk * 3)), into: &b)
        }
        #expect(passedIDs(a) == passedIDs(b) && !a.records.isEmpty)
        #expect(original.trackedIDs == restored.trackedIDs)
    }

    @Test("invalid configuration is rejected")
    func invalidConfig() {
        #expect(throws: JoinsError.self) { try DedupeOperator(config: DedupeConfig(id: "d", field: "", ttl: 10)) }
        #expect(throws: JoinsError.self) { try DedupeOperator(config: DedupeConfig(id: "d", field: "x", ttl: 0)) }
    }
}
