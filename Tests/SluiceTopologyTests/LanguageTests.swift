import Foundation
import SluiceCore
import Testing
@testable import SluiceTopology

@Suite("Interpolation, durations, suggestions, residency")
struct LanguageTests {
    @Test("durations", arguments: [("500ms", 500), ("10s", 10_000), ("5m", 300_000), ("1h", 3_600_000), ("7d", 604_800_000),
                                   ("1h30m", 5_400_000), ("0", 0), ("2m500ms", 120_500)] as [(String, Int64)])
    func durations(text: String, ms: Int64) {
        #expect(Durations.milliseconds(text) == ms)
    }

    @Test("not durations", arguments: ["", "10", "ten", "5 m", "1m1h", "1.5s", "10mins", "-1s"])
    func notDurations(text: String) {
        #expect(Durations.milliseconds(text) == nil)
    }

    @Test func durationFormat() {
        #expect(Durations.format(5_400_000) == "1h30m")
        #expect(Durations.format(500) == "500ms")
    }

    @Test func interpolation() throws {
        let i = Interpolator(environment: ["HOST": "k1:9092", "EMPTY": ""])
        #expect(try i.expand("${HOST}").get() == "k1:9092")
        #expect(try i.expand("a-${MISSING:-dflt}-b").get() == "a-dflt-b")
        #expect(try i.expand("${EMPTY:-fallback}").get() == "fallback")
        #expect(try i.expand("${EMPTY}").get() == "")
        #expect(try i.expand("cost $$${HOST}").get() == "cost $${HOST}")
        #expect(try i.expand("literal $${HOST}").get() == "literal ${HOST}")
        #expect(try i.expand("price $5").get() == "price $5")
    }

    @Test func unsetVariableIsReportedAtItsColumn() {
        let result = compile("""
            apiVersion: sluice/v1
            kind: Topology
            metadata: {name: app}
            cluster:
              bootstrap: "kafka-${ENVIRONMENT}:9092"
            sources:
              events: {topic: events}
            """)
        let e = errors(result)
        #expect(e.map(position) == ["unset-variable@5:21"])
        #expect(e.first?.hint == "set ENVIRONMENT or give a default: ${ENVIRONMENT:-value}")
    }

    @Test func interpolatedValuesAreTyped() throws {
        let yaml = header.replacingOccurrences(of: "key: user_id,", with: "key: user_id, partitions: \"${PARTS:-3}\",") + """
              - {id: d, type: dedupe, input: events, by: event_id, ttl: "${TTL}"}
            sinks:
              - {input: d, topic: "${OUT:-deduped}"}
            """
        let t = try #require(compile(yaml, environment: ["TTL": "90s", "PARTS": "12"]).topology)
        #expect(t.sources[0].partitions == 12)
        guard case .dedupe(let d)? = t.operator("d") else { Issue.record("no dedupe"); return }
        #expect(d.ttlMs == 90_000)
        #expect(t.sinks[0].topic == "deduped")
    }

    @Test("did you mean", arguments: [("inptu", "input"), ("agregate", "aggregate"), ("windw", "window"), ("features", "features")])
    func suggestions(typo: String, expected: String) {
        #expect(Suggest.closest(to: typo, in: ["input", "aggregate", "window", "features", "key"]) == expected)
    }

    @Test func noSuggestionForUnrelatedWords() {
        #expect(Suggest.closest(to: "colour", in: ["input", "key", "where"]) == nil)
        #expect(Suggest.distance("kitten", "sitting") == 3)
    }

    static let residencyBase = """
        apiVersion: sluice/v1
        kind: Topology
        metadata: {name: app, residency: [ae, sa]}
        cluster:
          bootstrap: embedded
          region: REGION
        sources:
          events: {topic: events}
        sinks:
          - {input: events, topic: copy}

        """

    @Test func residencyAcceptsClusterInside() {
        #expect(errors(compile(Self.residencyBase.replacingOccurrences(of: "REGION", with: "sa"))).isEmpty)
    }

    @Test func residencyRefusesClusterOutside() {
        let e = errors(compile(Self.residencyBase.replacingOccurrences(of: "REGION", with: "eu")))
        #expect(e.map(position) == ["residency@6:11"])
        #expect(e.first?.message == "cluster region 'eu' is outside the topology's residency [ae, sa]")
    }

    @Test func residencyRefusesSinkToForeignCluster() {
        let yaml = Self.residencyBase.replacingOccurrences(of: "REGION", with: "ae") + """
              - input: events
                topic: mirror
                cluster: {bootstrap: "us-kafka:9092", region: us}
            """
        let e = errors(compile(yaml))
        #expect(e.map(position) == ["residency@13:51"])
        #expect(e.first?.message.contains("sink to topic 'mirror' would send data to region 'us'") == true)
    }

    @Test func residencyNeedsAClusterRegion() {
        let yaml = Self.residencyBase.replacingOccurrences(of: "  region: REGION\n", with: "")
        #expect(errors(compile(yaml)).map(position) == ["residency@5:3"])
    }
}
