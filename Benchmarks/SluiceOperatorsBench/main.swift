// S2-like in-memory pipeline: JSON decode → validate 4 fields → derive 3 fields → JSON encode, ~1% invalid,
// next to a decode+encode-only baseline over the same bytes in the same run.
//
//     swift run -c release SluiceOperatorsBench [records] [s2]
//
// `s2`: the operators and record shape of `sluice bench e2e`'s S2 scenario (8-field card transactions keyed by user,
// validate 4 fields with an enum, derive log1p / hour_of_day / a comparison, sink without a key), so that instruction
// counts under callgrind speak for S2.
import Foundation
import SluiceCore
import SluiceExpressions
import SluiceFormats
import SluiceOperators
import SluiceTopology

let total = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 1_000_000
let s2Shape = CommandLine.arguments.dropFirst(2).first == "s2"
let batchSize = 1000

let s2YAML = """
    apiVersion: sluice/v1
    kind: Topology
    metadata: {name: bench, version: 1}
    processing:
      event_time: {field: ts, unit: ms, max_out_of_order: 5s}
    sources:
      events: {topic: events, format: json, key: user_id}
    operators:
      - id: valid
        type: validate
        input: events
        fields:
          event_id: {type: string, required: true}
          user_id:  {type: string, required: true}
          amount:   {type: number, required: true, min: 0}
          country:  {type: string, enum: [AE, SA, QA, KW, BH, OM]}
      - id: features
        type: map
        input: valid
        set:
          log_amount: log1p(amount)
          hour: hour_of_day(ts)
          far: distance_km > 50
    sinks:
      - {input: features, topic: out, format: json}
    """

let defaultYAML = """
    apiVersion: sluice/v1
    kind: Topology
    metadata: {name: bench, version: 1}
    sources:
      events: {topic: events, format: json}
    operators:
      - id: valid
        type: validate
        input: events
        fields:
          user_id:  {type: string, required: true}
          amount:   {type: number, required: true, min: 0, max: 1000000}
          currency: {type: string, required: true, enum: [EUR, USD, GBP]}
          country:  {type: string, min_length: 2, max_length: 2}
      - id: features
        type: map
        input: valid
        set:
          log_amount: log1p(amount)
          hour: hour_of_day(ts)
          big: amount > 1000
    sinks:
      - {input: features, topic: out, format: json, key: user_id}
    """
let yaml = s2Shape ? s2YAML : defaultYAML

let (compiled, diagnostics) = TopologyCompiler.compile(yaml: yaml, file: "/tmp/sluice-operators-bench.yaml", environment: [:],
                                                       hooks: ExpressionValidationHooks())
guard let topology = compiled else {
    diagnostics.forEach { print($0) }
    exit(1)
}

// A pool of distinct ~200-byte records, cycled: the same work as 1M distinct ones without 200 MB of input.
let currencies = ["EUR", "USD", "GBP"]
let countries = ["AE", "SA", "QA", "KW", "BH", "OM"]
let categories = ["grocery", "fuel", "restaurant", "online_retail", "electronics", "travel", "jewelry", "gaming"]
/// The e2e harness's synthetic transactions (`SyntheticTransactions`), in shape: amounts and distances of two and one
/// decimals, millisecond timestamps 20 ms apart, 1 % with a negative amount.
let s2Pool: [[UInt8]] = (0..<10_000).map { i in
    let amount = Double((i &* 7919) % 90_000 + 100) / 100 * (i % 100 == 99 ? -1 : 1)
    let distance = Double((i &* 104_729) % 1500) / 10
    return Array(("{\"event_id\":\"e\(i)\",\"user_id\":\"u\(i % 9973)\",\"amount\":\(amount),\"country\":\"\(countries[i % 6])\","
        + "\"merchant\":\"m\(i % 500)\",\"merchant_category\":\"\(categories[i % 8])\",\"distance_km\":\(distance),"
        + "\"ts\":\(1_764_000_000_000 + Int64(i) * 20)}").utf8)
}
let keys: [[UInt8]] = (0..<10_000).map { Array("u\($0 % 9973)".utf8) }

let defaultPool: [[UInt8]] = (0..<10_000).map { i in
    let amount = i % 100 == 99 ? "-1.5" : String(format: "%.2f", Double(i % 5000) * 1.37)
    return Array(("{\"event_id\":\"e-\(100_000 + i)\",\"user_id\":\"u-\(i % 977)\",\"amount\":\(amount),"
        + "\"currency\":\"\(currencies[i % 3])\",\"country\":\"DE\",\"channel\":\"web\",\"ts\":\(1_709_296_245_123 + Int64(i) * 1000),"
        + "\"device\":\"ios-17.2\",\"session\":\"s-abcdef\(100_000 + i)\",\"score_hint\":0.42}").utf8)
}
let pool = s2Shape ? s2Pool : defaultPool
let averageBytes = pool.reduce(0) { $0 + $1.count } / pool.count

/// Set by a pipeline run, printed under its line.
nonisolated(unsafe) var phaseReport = ""

func measure(_ name: String, _ body: () -> Int) {
    let start = DispatchTime.now().uptimeNanoseconds
    let produced = body()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let rate = Double(total) / seconds
    print("\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%8.0f", rate)) records/s  "
        + "(\(String(format: "%.2f", seconds)) s, \(produced) produced)")
    if !phaseReport.isEmpty { print(phaseReport) }
    phaseReport = ""
}

let context = OperatorContext(partition: 0, processingTime: 1_709_300_000_000, watermark: .min)

func baseline() -> Int {
    let decoder = JSONRecordDecoder()
    let encoder = JSONRecordEncoder()
    var value: [UInt8] = []
    var produced = 0
    for i in 0..<total {
        let bytes = pool[i % pool.count]
        guard let fields = try? bytes.withUnsafeBytes({ try decoder.decode($0) }) else { continue }
        value.removeAll(keepingCapacity: true)
        if (try? encoder.encode(fields, into: &value)) != nil { produced += 1 }
    }
    return produced
}

func pipeline(keepRaw: Bool) throws -> Int {
    let source = try SourceDecoder(source: topology.sources[0], keepRaw: keepRaw)
    guard case .validate(let v)? = topology.operator("valid"), case .map(let m)? = topology.operator("features") else { return 0 }
    let validate = try ValidateStage(v)
    let map = try MapStage(m)
    let sink = try SinkEncoder(sink: topology.sinks[0], topology: topology)
    var decoded = OperatorOutput(), validated = OperatorOutput(), mapped = OperatorOutput()
    var value: [UInt8] = [], key: [UInt8]? = nil, headers: [Header] = []
    let evaluation = EvaluationContext(now: context.processingTime)
    var produced = 0, dead = 0
    var offset = 0
    // Per-phase time, read once per batch (not per record).
    var phases = [UInt64](repeating: 0, count: 4)
    var mark = DispatchTime.now().uptimeNanoseconds
    func lap(_ phase: Int) {
        let t = DispatchTime.now().uptimeNanoseconds
        phases[phase] += t - mark
        mark = t
    }
    while offset < total {
        decoded.removeAll(); validated.removeAll(); mapped.removeAll()
        for i in offset..<min(offset + batchSize, total) {
            // As the engine decodes: in place at the end of the batch, the key read from the message's buffer.
            pool[i % pool.count].withUnsafeBytes { raw in
                let origin = RecordOrigin(topic: "events", partition: 0, offset: Int64(i))
                func decode(key: UnsafeRawBufferPointer?) {
                    do throws(RecordError) {
                        try source.decodeRecord(key: key, value: raw, headers: [], timestamp: 0, origin: origin,
                                                appendingTo: &decoded.records)
                    } catch {
                        decoded.deadLetter(Record(timestamp: 0, origin: origin, raw: Array(raw)), error)
                    }
                }
                if s2Shape { keys[i % keys.count].withUnsafeBytes { decode(key: $0) } } else { decode(key: nil) }
            }
        }
        lap(0)
        // Owned, as the engine hands batches on: a stage moves its records instead of copying them.
        validate.process(owned: &decoded.records, from: .main, context: context, into: &validated)
        lap(1)
        map.process(owned: &validated.records, from: .main, context: context, into: &mapped)
        lap(2)
        for record in mapped.records {
            if (try? sink.encode(record, value: &value, key: &key, headers: &headers, context: evaluation)) != nil { produced += 1 }
        }
        lap(3)
        dead += decoded.deadLetters.count + validated.deadLetters.count + mapped.deadLetters.count
        offset += batchSize
    }
    precondition(produced + dead == total, "every record is produced or dead-lettered")
    let sum = Double(phases.reduce(0, +))
    let shares = zip(["decode", "validate", "map", "encode"], phases).map { "\($0) \(Int((Double($1) / sum * 100).rounded()))%" }
    phaseReport = "  time share: " + shares.joined(separator: ", ")
    return produced
}

print("SluiceOperatorsBench: \(total) records of ~\(averageBytes) bytes, batches of \(batchSize)")
measure("baseline: decode + encode") { baseline() }
measure("pipeline (keep raw bytes)") { (try? pipeline(keepRaw: true)) ?? 0 }
if ProcessInfo.processInfo.environment["SLUICE_BENCH_RAW_ONLY"] == nil {  // set to profile the S2 path alone
    measure("pipeline (keepRaw: false)") { (try? pipeline(keepRaw: false)) ?? 0 }
}
measure("baseline: decode + encode (again)") { baseline() }
