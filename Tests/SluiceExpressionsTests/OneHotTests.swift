import SluiceCore
import SluiceExpressions
import Testing

@Suite("One-hot expansion")
struct OneHotTests {
    @Test("a top-level one_hot names one field per category")
    func names() throws {
        let e = try Expression.parse("one_hot(channel, ['web', 'app', 3])").compile()
        #expect(e.oneHotCategories == ["web", "app", 3])
        #expect(e.oneHotFieldNames(target: "channel_kind") == ["channel_kind_web", "channel_kind_app", "channel_kind_3"])
        #expect(try Expression.parse("len(channel)").compile().oneHotFieldNames(target: "x") == nil)
    }

    @Test(
        "expansion writes 0/1 per category, null for a null input",
        arguments: [
            (Value.string("app"), [Value.int(0), .int(1)]),
            (.string("tv"), [.int(0), .int(0)]),
            (.null, [.null, .null]),
        ])
    func expand(channel: Value, expected: [Value]) throws {
        let e = try Expression.parse("one_hot(channel, ['web', 'app'])").compile()
        let value = try e.evaluate(Record(fields: ["channel": channel]), sampleContext)
        var fields: Fields = ["id": 1]
        OneHot.expand(value, target: "ch", categories: try #require(e.oneHotCategories), into: &fields)
        #expect(fields.map(\.name) == ["id", "ch_web", "ch_app"])
        #expect([fields["ch_web"], fields["ch_app"]] == expected.map { Optional($0) })
    }
}
