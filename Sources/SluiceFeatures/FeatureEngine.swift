import SluiceCore
import SluiceStats

/// Keyed, windowed streaming aggregations with point-in-time correct values.
///
/// One engine serves one partition (one task): records of a key must all reach the same engine.
///
/// ```swift
/// let engine = try FeatureEngine(.init(
///     aggregates: [
///         AggregateSpec("tx_count_1h", .count, window: .sliding(3_600_000)),
///         AggregateSpec("amount_sum_1m", .sum, of: .field("amount"), window: .tumbling(size: 60_000)),
///     ],
///     emit: .perEvent,
///     watermark: WatermarkTracker(maxOutOfOrder: 5_000)))
/// for output in engine.process(record, key: Array("u42".utf8), eventTime: t) { ... }
/// ```
///
/// Point-in-time guarantee: the values attached to an event at time `t` aggregate exactly the events of
/// the same key that were accepted before it (plus itself when `includeCurrent`) and have event time
/// ≤ `t`, restricted to the aggregate's window for `t`. Events that arrive later are never visible to
/// it, even if their event time is earlier.
public final class FeatureEngine {
    public struct Configuration: Sendable {
        public var aggregates: [AggregateSpec]
        public var emit: EmitMode
        /// Whether an event's own input is part of its per-event values (time_since_last never is).
        public var includeCurrent: Bool
        /// When set, the engine advances its watermark from the event times it sees (and `tick`
        /// applies the idle rule); when nil, only `advanceWatermark(to:)` moves it.
        public var watermark: WatermarkTracker?
        /// Keys whose newest event is at least this far (ms) behind the watermark are dropped by
        /// `evictIdleKeys()`. Must cover every time window's span + grace.
        public var keyTTL: Int64?
        /// Number of panes a sliding window is split into (time granularity of the pre-aggregation).
        public var slidingBuckets: Int

        public init(aggregates: [AggregateSpec], emit: EmitMode = .perEvent, includeCurrent: Bool = true,
                    watermark: WatermarkTracker? = nil, keyTTL: Int64? = nil, slidingBuckets: Int = 60) {
            self.aggregates = aggregates
            self.emit = emit
            self.includeCurrent = includeCurrent
            self.watermark = watermark
            self.keyTTL = keyTTL
            self.slidingBuckets = slidingBuckets
        }
    }

    /// Aggregates sharing a closing window (same window and grace) are emitted together.
    struct CloseGroup {
        var window: WindowSpec
        var grace: Int64
        var members: [Int]
    }

    /// Engine-side state of one key slot; the aggregates' state lives in their columns (`SeriesOps`).
    struct KeySlot {
        var lastEventTime: Int64 = .min
        /// The due time of this key's live heap entry, if any.
        var scheduledAt: Int64?
        /// Listed in `dirtyList` since the last snapshot.
        var dirty = false
    }

    public let configuration: Configuration
    let specs: [AggregateSpec]
    let groups: [CloseGroup]
    /// Which aggregates are evaluated before the current event is added.
    let queryBefore: [Bool]
    /// Which aggregates read a dotted path (rather than a plain field name).
    let inputIsPath: [Bool]
    /// Each aggregate's input field looked up where it was found last (nil: a path, a custom input or none).
    let inputPositions: [FieldPosition?]
    /// `inputPositions` without ownership, read per record without reference counting.
    let unretainedInputPositions: [Unmanaged<FieldPosition>?]
    /// Per-aggregate copies of spec fields read on every record (see `process`).
    let names: [String]
    /// `SmallASCIIString.isSupported`, read once (per-event outputs compare feature names with the record's).
    let inlineStrings = SmallASCIIString.isSupported
    /// Each aggregate's name length in UTF-8 bytes, and a bit per length (lengths from 63 share bit 63): a
    /// record field whose length has no bit here cannot hold a feature's name.
    let nameLengths: [Int]
    let nameLengthMask: UInt64
    let functions: [AggregateFunction]
    /// Per aggregate: its entries never hold a value (`AggregateFunction.keepsInputValue` is false), so the
    /// previous record's entry is overwritten without being destroyed.
    let entriesValueFree: [Bool]
    let inputs: [FeatureInput]
    let windows: [WindowSpec]
    let graces: [Int64]
    /// The smallest grace: an event with `watermark < t + 1 + minGrace` is on time for every aggregate.
    let minGrace: Int64
    let fingerprint: UInt64
    /// Specialised operations per aggregate (see `SeriesOps`).
    let ops: [SeriesOps]
    /// The same, for the per-event loop: called through a guaranteed reference, an operation's closure is
    /// used without retaining and releasing its context (two atomic operations per aggregate and event).
    /// `ops` keeps them alive.
    let unretainedOps: [Unmanaged<SeriesOps>]
    /// The aggregates whose state has buffers of its own to fetch once the event's input is known.
    let prefetchingAggregates: [Int]
    /// Every aggregate's state, one row per key slot (see `SeriesRows`).
    let rows: SeriesRows
    /// Where in a row the arrays that `prefetchStorage` fetches are.
    let prefetchedArrays: [PrefetchedArray]

    /// Key → slot: the index of the key's row in `rows` (its `slots` element and every aggregate's series).
    @exclusivity(unchecked) var states = KeyTable()
    /// Per-key bookkeeping, in the key's row next to its series.
    let slots: KeySlots
    /// Slots of evicted keys, reused before the columns grow.
    @exclusivity(unchecked) var freeSlots: [Int] = []
    @exclusivity(unchecked) var dueQueue = DueQueue()
    @exclusivity(unchecked) var tracker: WatermarkTracker?
    /// `acceptBound()` for the watermark it was computed at (the watermark changes less often than
    /// records arrive, and the bound is needed on every record).
    @exclusivity(unchecked) var acceptBoundCache: (watermark: Int64, bound: Int64) = (.min, .min)
    /// Each aggregate's entry for the current record, reused per record. Its own memory rather than an array:
    /// the steps get their entry's address, where an element of an array property was copied per call.
    let entries: UnsafeMutablePointer<Entry>
    /// Per aggregate, for the current record: the index of the record's own field holding the aggregate's
    /// name (its value is replaced), or -1 (the feature is appended). See `locateOwnFeatureFields`.
    let ownFieldIndices: UnsafeMutablePointer<Int>
    /// Reused by `snapshot(key:)`: a checkpoint snapshots every changed key. Unchecked like the per-record state:
    /// each of a snapshot's writes was an exclusivity check (about 800 instructions a key).
    @exclusivity(unchecked) var snapshotWriter = StateWriter()

    /// The current watermark (`Int64.min` before any).
    @exclusivity(unchecked) public internal(set) var watermark: Int64 = .min
    /// The largest event time accepted so far: "now" in event time, used by `lookup`.
    @exclusivity(unchecked) public internal(set) var streamTime: Int64 = .min
    /// Keys changed (or evicted) since the last `markClean()`.
    public var dirtyKeys: Set<[UInt8]> { Set(dirtyList) }
    /// Dirty keys in the order they became dirty (may repeat a key evicted and recreated). A per-key
    /// flag avoids hashing the key a second time on every record.
    @exclusivity(unchecked) var dirtyList: [[UInt8]] = []
    @exclusivity(unchecked) public internal(set) var counters = FeatureCounters()

    /// - Throws: `FeatureError.invalidConfiguration` for duplicate names, bad windows or parameters, or
    ///   a key TTL shorter than a window.
    public init(_ configuration: Configuration) throws(FeatureError) {
        let specs = configuration.aggregates
        if specs.isEmpty { throw FeatureError(.invalidConfiguration, "a features operator needs at least one aggregate") }
        var names = Set<String>()
        for s in specs {
            try s.validate()
            if !names.insert(s.name).inserted {
                throw FeatureError(.invalidConfiguration, "two aggregates are named '\(s.name)'", context: ["aggregate": s.name])
            }
            if let ttl = configuration.keyTTL, TimeMath.add(s.window.span, s.grace) > ttl {
                throw FeatureError(.invalidConfiguration,
                                   "key TTL \(ttl) ms is shorter than window span + grace of '\(s.name)'; state would be evicted while still in use",
                                   context: ["aggregate": s.name, "window": s.window.description])
            }
        }
        if configuration.slidingBuckets < 1 {
            throw FeatureError(.invalidConfiguration, "slidingBuckets must be at least 1")
        }
        var groups: [CloseGroup] = []
        for (i, s) in specs.enumerated() where s.window.closes {
            if let g = groups.firstIndex(where: { $0.window == s.window && $0.grace == s.grace }) {
                groups[g].members.append(i)
            } else {
                groups.append(CloseGroup(window: s.window, grace: s.grace, members: [i]))
            }
        }
        self.configuration = configuration
        self.specs = specs
        self.groups = groups
        self.queryBefore = specs.map { !configuration.includeCurrent || $0.function == .timeSinceLast }
        self.names = specs.map(\.name)
        self.nameLengths = specs.map(\.name.utf8.count)
        self.nameLengthMask = specs.reduce(0) { $0 | 1 << UInt64(min($1.name.utf8.count, 63)) }
        self.functions = specs.map(\.function)
        self.entriesValueFree = specs.map { !$0.function.keepsInputValue }
        self.inputs = specs.map(\.input)
        self.windows = specs.map(\.window)
        self.graces = specs.map(\.grace)
        self.minGrace = specs.map(\.grace).min() ?? 0
        self.inputIsPath = specs.map { $0.input.fieldName?.utf8.contains(UInt8(ascii: ".")) ?? false }
        self.inputPositions = specs.map { spec in
            guard case .field(let f) = spec.input, !f.utf8.contains(UInt8(ascii: ".")) else { return nil }
            return FieldPosition(f)
        }
        self.unretainedInputPositions = inputPositions.map { $0.map(Unmanaged.passUnretained) }
        let rows = SeriesRows()
        self.rows = rows
        // Reserved first, so that it shares a cache line with the first aggregate's series.
        self.slots = KeySlots(column: SeriesColumn(rows))
        self.ops = specs.map { SeriesFactory.ops($0, slidingBuckets: configuration.slidingBuckets, rows: rows) }
        self.unretainedOps = ops.map { Unmanaged.passUnretained($0) }
        let ops = self.ops
        self.prefetchingAggregates = ops.indices.filter { ops[$0].prefetch != nil }
        self.prefetchedArrays = ops.flatMap(\.prefetchedArrays)
        self.tracker = configuration.watermark
        self.watermark = configuration.watermark?.watermark ?? .min
        var desc = "v1|buckets=\(configuration.slidingBuckets)"
        for s in specs { desc += "|\(s.name);\(s.function);\(s.input);\(s.window);\(s.grace)" }
        self.fingerprint = StableHash.fnv1a(desc.utf8)
        entries = .allocate(capacity: specs.count)
        entries.initialize(repeating: Entry(time: 0), count: specs.count)
        ownFieldIndices = .allocate(capacity: specs.count)
        ownFieldIndices.initialize(repeating: -1, count: specs.count)
    }

    deinit {
        entries.deinitialize(count: specs.count)
        entries.deallocate()
        ownFieldIndices.deallocate()
    }

    /// Number of keys with state.
    public var keyCount: Int { states.count }

    /// Processes one record; see `process(_:key:eventTime:processingTime:into:)`.
    public func process(_ record: consuming Record, key: [UInt8], eventTime: Int64, processingTime: Int64? = nil) -> [FeatureOutput] {
        var out: [FeatureOutput] = []
        process(record, key: key, eventTime: eventTime, processingTime: processingTime, into: &out)
        return out
    }

    /// Processes one record of entity `key` at `eventTime` (epoch ms), appending to `out`:
    /// `.late` or `.invalid` (state untouched), otherwise `.event` in per-event modes, then any windows
    /// closed by the watermark advance this record causes.
    ///
    /// The record is taken by value (`consuming`): when the caller hands over its last copy, the
    /// enriched record reuses its field storage instead of copying it.
    public func process(_ record: consuming Record, key: [UInt8], eventTime t: Int64, processingTime: Int64? = nil,
                        into out: inout [FeatureOutput]) {
        process(record, key: key, slot: nil, eventTime: t, processingTime: processingTime, into: &out)
    }

    /// `process` with what `prefetchRow(key:)` just returned for the key: its slot saves looking the key up
    /// again (nil: the key had no state then). The slot must still be the key's: no `evictIdleKeys` or
    /// `restore` in between.
    public func process(_ record: consuming Record, key: [UInt8], slot known: StateSlot?, eventTime t: Int64,
                        processingTime: Int64? = nil, into out: inout [FeatureOutput]) {
        var record = record
        switch apply(&record, key: key, slot: known, eventTime: t, into: &out) {
        case nil: if configuration.emit.perEvent { out.append(.event(consume record)) }
        case .late(let reason)?: out.append(.late(consume record, reason))
        case .invalid(let error)?: out.append(.invalid(consume record, error))
        }
        observe(t, processingTime, into: &out)
    }

    /// Why `enrich` did not enrich a record.
    public enum Rejection: Error {
        /// Late for a window (state untouched); the record's event time is set.
        case late(RecordError)
        /// An aggregate's input could not be read (state untouched).
        case invalid(RecordError)
    }

    /// `process` for per-event emission (`emit: per_event`, where accepted records are the only outputs) with
    /// the record left where it is: enriched in place when accepted (nil), untouched but for its event time
    /// otherwise. Saves the operator moving every record into an output list and out again.
    public func enrich(_ record: inout Record, key: [UInt8], slot known: StateSlot?, eventTime t: Int64,
                       processingTime: Int64? = nil) -> Rejection? {
        precondition(configuration.emit == .perEvent, "enrich is for per-event emission only")
        // Per-event emission closes windows without emitting them: nothing is ever appended here.
        var none: [FeatureOutput] = []
        let rejection = apply(&record, key: key, slot: known, eventTime: t, into: &none)
        observe(t, processingTime, into: &none)
        return rejection
    }

    /// What `process` does to the state and the record, leaving the record in place: enriched when accepted in
    /// per-event modes. Windows closed before the event (on-close modes) go to `out`.
    @inline(__always)
    private func apply(_ record: inout Record, key: [UInt8], slot known: StateSlot?, eventTime t: Int64,
                       into out: inout [FeatureOutput]) -> Rejection? {
        if let reason = lateness(t) {
            counters.late += 1
            record.eventTime = t
            return .late(reason)
        }
        // The operator passes the slot it found while prefetching: the key is then not converted again.
        let existing = known?.index ?? states[KeyBytes(key)]
        // Written by index into a buffer sized once: `removeAll(keepingCapacity:)` and `append` go
        // through generic range replacement. Spec fields come from plain per-aggregate arrays because
        // reading them off `specs[i]` copies (and reference counts) the whole spec.
        for i in 0..<specs.count {
            do {
                let entry = if let position = unretainedInputPositions[i] {
                    try Entry.make(functions[i], at: position, name: names[i], record: record, time: t)
                } else {
                    try Entry.make(functions[i], inputs[i], name: names[i], isPath: inputIsPath[i], record: record, time: t)
                }
                // An assignment destroys the entry it replaces: an outlined destroy of its `Value`, which is
                // `.null` (nothing to release) for all but first, last and last_k.
                if entriesValueFree[i] { (entries + i).initialize(to: entry) } else { entries[i] = entry }
            } catch {
                counters.invalid += 1
                return .invalid(error)
            }
        }
        let slot = existing ?? newKey(KeyBytes(key))
        let emitClosed = configuration.emit.onClose
        // Emitted windows must precede the event's output, so the engine closes them first; otherwise
        // closing only frees state and rides along in each aggregate's step.
        if emitClosed { closeWindows(key, slot, into: &out) }
        let perEvent = configuration.emit.perEvent
        let inputCount = record.fields.count
        if perEvent {
            record.eventTime = t
            record.fields.reserveCapacity(inputCount + specs.count)
            locateOwnFeatureFields(record.fields, inputCount)
        }
        // Their fetches overlap the steps of the aggregates before them.
        for i in prefetchingAggregates {
            unretainedOps[i]._withUnsafeGuaranteedRef { $0.prefetch!(slot, entries + i) }
        }
        var step = EventStep(closeFirst: emitClosed ? nil : (watermark, acceptBound()), query: perEvent, queryBefore: false)
        for i in specs.indices {
            step.queryBefore = queryBefore[i]
            let v = unretainedOps[i]._withUnsafeGuaranteedRef { $0.step(slot, entries + i, step) }
            if perEvent {
                let own = ownFieldIndices[i]
                if own >= 0 { record.fields.setValue(v, at: own) } else { record.fields.append(names[i], v) }
            }
        }
        slots[slot].lastEventTime = max(slots[slot].lastEventTime, t)
        streamTime = max(streamTime, t)
        markDirty(key, slot)
        counters.accepted += 1
        if emitClosed { schedule(key, slot) }
        return nil
    }

    /// Why an event at `t` is late, or nil. Lateness depends only on the window kind, grace and
    /// watermark, so it is decided before any state is touched.
    func lateness(_ t: Int64) -> RecordError? {
        // Every window holding an event at t ends after t, so none closed while the watermark is below
        // t + 1 + grace: the usual in-order event is decided with one comparison.
        if watermark < TimeMath.add(TimeMath.add(t, 1), minGrace) { return nil }
        for i in windows.indices {
            let window = windows[i], grace = graces[i]
            switch window {
            case .tumbling(let size), .hopping(let size, _):
                let every: Int64 = if case .hopping(_, let e) = window { e } else { size }
                let start = Lateness.firstWindowStart(t: t, size: size, every: every)
                let end = start &+ size
                if watermark >= TimeMath.add(end, grace) {
                    let s = specs[i]
                    return RecordError(.late, field: s.name,
                                       "window [\(start), \(end)) of '\(s.name)' closed at watermark \(watermark) (end + grace \(s.grace) ms passed)")
                }
            default:
                if Lateness.perEvent(t: t, grace: grace, watermark: watermark) {
                    let s = specs[i]
                    return RecordError(.late, field: s.name,
                                       "event time \(t) is more than grace \(s.grace) ms behind watermark \(watermark) for '\(s.name)'")
                }
            }
        }
        return nil
    }

    /// Fills `ownFieldIndices`: which aggregates' names the record's own `inputCount` fields already hold (their
    /// values are then replaced, as `fields[name] = value` would). One pass over the fields, where a search per
    /// aggregate read every field's name length once per feature: most fields are ruled out by their length
    /// alone (`nameLengthMask`), and names of equal length are told apart by their words where possible
    /// (`SmallASCIIString.quickEquality`). Aggregate names are unique, and so are a record's field names.
    @inline(__always)
    func locateOwnFeatureFields(_ fields: Fields, _ inputCount: Int) {
        let count = specs.count
        for i in 0..<count { ownFieldIndices[i] = -1 }
        for j in 0..<inputCount {
            let n = fields.storage[j].name.utf8.count
            guard nameLengthMask & (1 << UInt64(min(n, 63))) != 0 else { continue }
            let candidate = fields.storage[j].name
            for i in 0..<count where nameLengths[i] == n && ownFieldIndices[i] < 0 {
                if SmallASCIIString.quickEquality(candidate, names[i], supported: inlineStrings) ?? (candidate == names[i]) {
                    ownFieldIndices[i] = j
                    break
                }
            }
        }
    }

    func markDirty(_ key: [UInt8], _ slot: Int?) {
        if let slot {
            guard !slots[slot].dirty else { return }
            slots[slot].dirty = true
        }
        dirtyList.append(key)
    }

    /// Allocates a slot (with empty series) for a key without state.
    func newKey(_ k: KeyBytes) -> Int {
        let s = newSlot()
        states[k] = s
        return s
    }

    /// A slot holding empty state: a freed one if any, else one more element in every column.
    func newSlot() -> Int {
        if let s = freeSlots.popLast() {
            slots[s] = KeySlot()
            for op in ops { op.reset(s) }
            return s
        }
        let s = rows.appendRow()
        slots.column.initialize(s, to: KeySlot())
        for op in ops { op.initialize(s) }
        return s
    }

    /// Frees the state of an evicted key's slot for reuse.
    func freeSlot(_ s: Int) {
        for op in ops { op.reset(s) }
        slots[s] = KeySlot()
        freeSlots.append(s)
    }

    private func observe(_ t: Int64, _ processingTime: Int64?, into out: inout [FeatureOutput]) {
        guard tracker != nil else { return }
        let w = tracker!.observe(eventTime: t, processingTime: processingTime)
        if w > watermark { advance(to: w, into: &out) }
    }
}
