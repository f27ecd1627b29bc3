import SluiceCore
import Testing
@testable import SluiceFeatures

/// Raw entries of aggregates that never read an input value are kept compact (`CompactEntry`): what goes in
/// comes out, and restored state that does not fit that form is refused rather than silently cut.
@Suite("Compact raw entries")
struct CompactEntryTests {
    @Test("a compact entry gives back the entry it was made from")
    func roundTrip() {
        let entries = [
            Entry(time: 5, num: 2.5), Entry(time: -7, num: -0.0), Entry(time: 9, num: .nan),
            Entry(time: 1, bits: 0xDEAD_BEEF), Entry(time: 3), Entry(time: 4, present: false),
        ]
        for e in entries {
            let back = CompactEntry(e).entry
            #expect(back.time == e.time && back.bits == e.bits && back.present == e.present)
            #expect(back.num.bitPattern == e.num.bitPattern && back.value == .null)
        }
        #expect(MemoryLayout<CompactEntry>.stride < MemoryLayout<Entry>.stride)
    }

    @Test("first/last keep whole entries; the others keep compact ones")
    func storedForms() {
        #expect(EdgeAcc.Stored.self == Entry.self && LastKAcc.Stored.self == Entry.self)
        #expect(SumAcc.Stored.self == CompactEntry.self && DistinctAcc.Stored.self == CompactEntry.self)
    }

    /// A sliding sum keeps every event of its window as a raw entry; a restored one with a hash and a number
    /// was not written by this engine.
    @Test("restored raw entries that a compact entry cannot hold are corrupt state")
    func refusesUnfitEntries() throws {
        let shape = PaneSeries<SumAcc>.Shape(.sum, window: .sliding(60_000), grace: 0, slidingBuckets: 6)
        var series = PaneSeries<SumAcc>(shape)
        series.insert(Entry(time: 1_000, num: 2.5))
        series.insert(Entry(time: 2_000, num: 4))
        var good = StateWriter()
        series.encode(into: &good)
        var restored = PaneSeries<SumAcc>(shape)
        var reader = StateReader(good.bytes)
        try restored.decodeState(from: &reader)
        #expect(restored.value(at: 2_000) == series.value(at: 2_000))

        // The same layout by hand, its second raw entry carrying a hash too.
        var bad = StateWriter()
        bad.i64(series.closedThrough)
        bad.varint(1)                  // one live pane, index 0
        bad.zigzag(0)
        bad.varint(2); bad.varint(2)   // two raw entries, two entries: no settled state
        bad.u8(0)                      // full state and time range: derived from the raw entries
        Entry(time: 1_000, num: 2.5).encode(into: &bad, after: 0)
        Entry(time: 2_000, num: 4, bits: 77).encode(into: &bad, after: 1_000)
        var unfit = PaneSeries<SumAcc>(shape)
        var badReader = StateReader(bad.bytes)
        do {
            try unfit.decodeState(from: &badReader)
            Issue.record("a raw entry with a hash and a number was accepted for a sum")
        } catch {
            #expect(error.code == .corruptState)
        }
    }

    /// Layout 3's per-pane flags byte: unknown bits, or a pane claiming its time range can be derived from raw
    /// entries when some of its entries have settled (or none are left), are corrupt state.
    @Test("pane flags that do not fit the pane are corrupt state")
    func refusesUnfitPaneFlags() throws {
        let shape = PaneSeries<SumAcc>.Shape(.sum, window: .sliding(60_000), grace: 0, slidingBuckets: 6)
        func pane(rawCount: UInt64, count: UInt64, flags: UInt8) -> [UInt8] {
            var w = StateWriter()
            w.i64(Int64.min)
            w.varint(1); w.zigzag(0)
            w.varint(rawCount); w.varint(count)
            if rawCount != count { SumAcc(.sum).encode(into: &w) }
            w.u8(flags)
            if flags & 1 != 0 { SumAcc(.sum).encode(into: &w) }
            if flags & 2 != 0 { w.zigzag(1_000); w.zigzag(1_000) }
            for k in 0..<rawCount { Entry(time: 1_000 + Int64(k), num: 1).encode(into: &w, after: k == 0 ? 0 : 1_000 + Int64(k) - 1) }
            return w.bytes
        }
        func decodes(_ bytes: [UInt8]) -> Bool {
            var series = PaneSeries<SumAcc>(shape)
            var reader = StateReader(bytes)
            do { try series.decodeState(from: &reader); return true } catch {
                #expect(error.code == .corruptState)
                return false
            }
        }
        #expect(decodes(pane(rawCount: 1, count: 1, flags: 0)))
        #expect(decodes(pane(rawCount: 1, count: 2, flags: 2)))
        #expect(decodes(pane(rawCount: 1, count: 1, flags: 3)))
        #expect(!decodes(pane(rawCount: 1, count: 1, flags: 4)))
        #expect(!decodes(pane(rawCount: 1, count: 2, flags: 0)))
        #expect(!decodes(pane(rawCount: 0, count: 0, flags: 0)))
    }
}
