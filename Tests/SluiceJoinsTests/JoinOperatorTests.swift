import SluiceCore
import Testing
@testable import SluiceJoins

@Suite("Join")
struct JoinOperatorTests {
    struct Pair: Hashable { var left: String; var right: String }

    /// Predictions p<i> at 1000·i and labels l<i> at 1000·i + delay_i, sharing event_id e<i>.
    /// Labels l<i>b are a second label per event at a delay beyond the bound.
    func streams(count: Int, within: Int64, rng: inout SplitMix64) -> (left: [Record], right: [Record], expected: Set<Pair>) {
        var left: [Record] = [], right: [Record] = [], expected: Set<Pair> = []
        for i in 0..<count {
            let t = Int64(i) * 1000
            let delay = Int64.random(in: -within * 2...within * 2, using: &rng)
            left.append(event("e\(i)", at: t, ["pid": .string("p\(i)"), "score": .double(Double(i) / 10)]))
            right.append(event("e\(i)", at: t + delay, ["lid": .string("l\(i)"), "label": .int(Int64(i % 2))]))
            right.append(event("e\(i)", at: t + within + 1 + Int64(i % 5), ["lid": .string("l\(i)b"), "label": 1]))
            if abs(delay) <= within { expected.insert(Pair(left: "p\(i)", right: "l\(i)")) }
        }
        return (left, right, expected)
    }

    func pairs(_ records: [Record]) -> [Pair] {
        records.map { Pair(left: $0["pid"]!.asString!, right: $0["lid"]!.asString!) }
    }

    @Test("under random arrival order, all pairs within the bound join exactly once", arguments: [1, 2, 3] as [UInt64])
    func disorder(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let within: Int64 = 5000
        let (left, right, expected) = streams(count: 400, within: within, rng: &rng)
        var arrivals = left.map { ($0, InputSide.left) } + right.map { ($0, InputSide.right) }
        arrivals.shuffle(using: &rng)
        let op = try JoinOperator(config: JoinConfig(id: "j", on: "event_id", within: within))
        var out = OperatorOutput()
        var i = 0
        while i < arrivals.count {  // runs of one side, as the engine delivers batches per input
            var j = i
            while j < arrivals.count, arrivals[j].1 == arrivals[i].1, j - i < 17 { j += 1 }
            op.process(arrivals[i..<j].map(\.0), from: arrivals[i].1, context: context(), into: &out)
            i = j
        }
        let joined = pairs(out.records)
        #expect(joined.count == expected.count && Set(joined) == expected)
        #expect(expected.count > 100 && expected.count < 400)  // the fixture has both kinds of pairs
        #expect(op.joined == expected.count)
        op.advance(context: context(watermark: .max - within - 1), into: &out)
        #expect(op.bufferedRecords == 0 && op.evicted == 1200)
    }

    @Test("with bounded disorder and an advancing watermark, state stays bounded and no pair is lost")
    func watermarkEviction() throws {
        var rng = SplitMix64(seed: 42)
        let within: Int64 = 3000, disorder: Int64 = 2000
        let (left, right, expected) = streams(count: 600, within: within, rng: &rng)
        // Arrival order: by time plus a jitter below `disorder`.
        var arrivals = (left.map { ($0, InputSide.left) } + right.map { ($0, InputSide.right) })
            .map { ($0, $1, $0.eventTime! + Int64.random(in: 0..<disorder, using: &rng)) }
        arrivals.sort { $0.2 < $1.2 }
        let op = try JoinOperator(config: JoinConfig(id: "j", on: "event_id", within: within, emit: .leftOuter,
                                                     rightFields: ["label", "lid"]))
        var out = OperatorOutput()
        var maxSeen = Int64.min, maxBuffered = 0
        for (record, side, _) in arrivals {
            op.process([record], from: side, context: context(), into: &out)
            maxSeen = max(maxSeen, record.eventTime!)
            op.advance(context: context(watermark: maxSeen - disorder), into: &out)
            maxBuffered = max(maxBuffered, op.bufferedRecords)
        }
        op.advance(context: context(watermark: .max - within - 1), into: &out)
        let matched = out.records.filter { $0["lid"] != .null }
        let unmatched = out.records.filter { $0["lid"] == .null }
        #expect(Set(pairs(matched)) == expected && matched.count == expected.count)
        let matchedLeft = Set(expected.map(\.left))
        #expect(Set(unmatched.map { $0["pid"]!.asString! }) == Set(left.map { $0["pid"]!.asString! }).subtracting(matchedLeft))
        #expect(unmatched.count == 600 - matchedLeft.count && unmatched.allSatisfy { $0["label"] == .null })
        #expect(op.leftOuterEmitted == unmatched.count)
        // Records live about within + disorder (+ label delay up to 2·within): far fewer than 1800.
        #expect(maxBuffered < 60 && op.bufferedRecords == 0)
    }

    @Test("output = left fields + right fields; left wins on a clash unless right_prefix is set")
    func fieldMerge() throws {
        let l = event("e1", at: 100, ["ts": 100, "score": 0.9])
        let r = event("e1", at: 160, ["ts": 160, "label": 1])
        for (prefix, expected) in [(nil, ["event_id": "e1", "ts": 100, "score": 0.9, "label": 1] as Fields),
                                   ("label_", ["event_id": "e1", "ts": 100, "score": 0.9, "label_event_id": "e1",
                                               "label_ts": 160, "label_label": 1] as Fields)] {
            let op = try JoinOperator(config: JoinConfig(id: "j", on: "event_id", within: 60, rightPrefix: prefix))
            var out = OperatorOutput()
            op.process([r], from: .right, context: context(), into: &out)
            op.process([l], from: .left, context: context(), into: &out)
            #expect(out.records.map(\.fields) == [expected])
            #expect(out.records.first?.eventTime == 100 && out.records.first?.key == l.key)
        }
    }

    @Test("records without the join field are dead letters")
    func missingKey() throws {
        let op = try JoinOperator(config: JoinConfig(id: "j", on: "event_id", within: 60))
        var out = OperatorOutput()
        op.process([Record(fields: ["label": 1]), Record(fields: ["event_id": .null])], from: .right,
                   context: context(), into: &out)
        #expect(out.deadLetters.map(\.error.code) == [.missingField, .missingField] && op.bufferedRecords == 0)
    }

    @Test("a fresh operator loaded from saved state joins and expires identically")
    func saveLoadRoundTrip() throws {
        var rng = SplitMix64(seed: 9)
        let within: Int64 = 4000
        let (left, right, _) = streams(count: 300, within: within, rng: &rng)
        var arrivals = left.map { ($0, InputSide.left) } + right.map { ($0, InputSide.right) }
        arrivals.sort { $0.0.eventTime! < $1.0.eventTime! }
        let config = JoinConfig(id: "j", on: "event_id", within: within, emit: .leftOuter, rightFields: ["label"])
        let original = try JoinOperator(config: config)
        let store = MemoryStore()
        var scratch = OperatorOutput()
        let half = arrivals.count / 2
        for (n, (record, side)) in arrivals[..<half].enumerated() {
            original.process([record], from: side, context: context(), into: &scratch)
            original.advance(context: context(watermark: record.eventTime! - 1), into: &scratch)
            if n % 100 == 0 { try original.saveState(into: store) }
        }
        try original.saveState(into: store)
        #expect(store.data.count == Set(original.buffers.keys).count && store.deletes > 0)
        #expect(original.lookup(key: Array("e140".utf8)) != nil || original.lookup(key: Array("e150".utf8)) != nil)

        let restored = try JoinOperator(config: config)
        try restored.loadState(from: store)
        #expect(restored.bufferedRecords == original.bufferedRecords)
        var a = OperatorOutput(), b = OperatorOutput()
        for (record, side) in arrivals[half...] {
            for (op, out) in [(original, 0), (restored, 1)] {
                if out == 0 {
                    op.process([record], from: side, context: context(), into: &a)
                    op.advance(context: context(watermark: record.eventTime! - 1), into: &a)
                } else {
                    op.process([record], from: side, context: context(), into: &b)
                    op.advance(context: context(watermark: record.eventTime! - 1), into: &b)
                }
            }
        }
        #expect(!a.records.isEmpty)
        #expect(a.records.map(\.fields) == b.records.map(\.fields))
        #expect(a.records.map(\.eventTime) == b.records.map(\.eventTime))
    }
}
