import ArgumentParser
import Foundation
import Logging
import SluiceEngine
import SluiceKafka
import SluiceTopology

/// The end-to-end harness: preload N events into a topic on the embedded broker, run a topology over them
/// with the engine, and report records/s and peak RSS next to a C librdkafka consume→produce passthrough on the
/// same broker and input, in the same run.
struct EndToEndBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e",
        abstract: "S1 passthrough, S2 decode→validate→derive→encode, S3 = S2 + windowed features; vs. a C passthrough.")

    @Option(help: "Scenarios to run, comma-separated (s1, s2, s3).") var scenarios = "s1,s2,s3"
    @Option(help: "Events per scenario.") var records = 300_000
    @Option(help: "Partitions of the input topic.") var partitions: Int32 = 8
    @Option(help: "Path of the C baseline binary (built from Benchmarks/c-baseline if missing).")
    var baseline = "Benchmarks/c-baseline/rdkafka_baseline"
    @Option(help: "Processing threads (processing.threads; default auto = one per core).") var threads: String = "auto"
    @Flag(help: "Print one JSON object.") var json = false

    static func header(threads: String) -> String { """
        apiVersion: sluice/v1
        kind: Topology
        metadata: {name: bench, version: 1}
        processing:
          checkpoint: {interval: 5s, codec: lz4}
          event_time: {field: ts, unit: ms, max_out_of_order: 5s}
          batch: {max_records: 10000, max_wait: 20ms}
          backpressure: {max_in_flight: 100000}
          threads: \(threads)
        sources:
          tx: {topic: bench-in, format: json, key: user_id}
        """
    }

    /// S2's operators; `SluiceOperatorsBench … s2` runs the same ones in memory (keep the two alike).
    static let s2Operators = """
          - id: valid
            type: validate
            input: tx
            fields:
              event_id: {type: string, required: true}
              user_id:  {type: string, required: true}
              amount:   {type: number, required: true, min: 0}
              country:  {type: string, enum: [AE, SA, QA, KW, BH, OM]}
            dead_letter: bench.dlq
          - id: derived
            type: map
            input: valid
            set:
              log_amount: log1p(amount)
              hour: hour_of_day(ts)
              far: distance_km > 50
        """

    static func topology(_ scenario: String, threads: String = "auto") -> String {
        let header = header(threads: threads)
        switch scenario {
        case "s1":
            return header + "\nsinks:\n  - {input: tx, topic: bench-out, format: json}\n"
        case "s2":
            return header + "\noperators:\n" + s2Operators + "\nsinks:\n  - {input: derived, topic: bench-out, format: json}\n"
        default:
            return header + "\noperators:\n" + s2Operators + "\n" + """
                  - id: features
                    type: features
                    input: derived
                    key: user_id
                    aggregate:
                      tx_count_1m: {fn: count, window: {tumbling: 60s}}
                      amount_sum_1m: {fn: sum, of: amount, window: {tumbling: 60s}}
                      amount_mean_1h: {fn: mean, of: amount, window: {sliding: 1h}}
                      merchants_24h: {fn: distinct, of: merchant, window: {tumbling: 24h}}
                sinks:
                  - {input: features, topic: bench-out, format: json}

                """
        }
    }

    @Option(name: .customLong("repeat"),
            help: "Runs per scenario, each against its own C run; the medians are reported (the machine is noisy).")
    var repeat_ = 1

    func run() throws {
        var results: [String: Any] = ["records": records, "repeat": repeat_]
        let c = try CBaseline(path: baseline)
        let names = scenarios.split(separator: ",").map(String.init)
        // Rounds interleave the scenarios, so that a ratio between two of them compares runs made close together.
        var runs: [String: [Run]] = [:]
        for _ in 0..<max(repeat_, 1) {
            for scenario in names {
                let run = try runOnce(scenario, c)
                runs[scenario, default: []].append(run)
                if !json && repeat_ > 1 {
                    print(String(format: "  %@ run: sluice %9.0f rec/s   C passthrough %9.0f rec/s   ratio %.2f%@",
                                 scenario.uppercased(), run.rate, run.c, run.rate / run.c,
                                 Self.checkpointNote(run.checkpointMs, bytes: run.checkpointBytes)))
                }
            }
        }
        for scenario in names {
            let list = runs[scenario] ?? []
            let rate = median(list.map(\.rate)), cRate = median(list.map(\.c)), ratio = median(list.map { $0.rate / $0.c })
            let checkpointMs = median(list.map(\.checkpointMs))
            let checkpointBytes = list[0].checkpointBytes
            results[scenario] = ["records_per_sec": rate, "dead_letters": list[0].deadLetters, "c_passthrough_per_sec": cRate,
                                 "ratio_vs_c": ratio, "ratios": list.map { $0.rate / $0.c }, "final_checkpoint_ms": checkpointMs,
                                 "final_checkpoint_bytes": checkpointBytes]
            if !json {
                print(String(format: "%@  sluice %9.0f rec/s   C passthrough %9.0f rec/s   ratio %.2f   (dead letters %d%@)%@",
                             scenario.uppercased(), rate, cRate, ratio, list[0].deadLetters,
                             Self.checkpointNote(checkpointMs, bytes: checkpointBytes),
                             repeat_ > 1 ? "   medians of \(repeat_)" : ""))
            }
        }
        if let s2 = runs["s2"], let s3 = runs["s3"] {
            let perRound = zip(s2, s3).map { $1.rate / $0.rate }
            results["s3_vs_s2"] = median(perRound)
            results["s3_vs_s2_rounds"] = perRound
            if !json {
                print(String(format: "S3 / S2 = %.2f%@", median(perRound),
                             perRound.count > 1 ? "   (median of rounds: \(perRound.map { String(format: "%.2f", $0) }.joined(separator: " ")))" : ""))
            }
        }
        results["peak_rss_mib"] = peakRSSBytes() / 1_048_576
        let allocator = Allocator.summary  // (probes with a 1 MiB allocation: once)
        results["allocator"] = allocator
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("peak RSS \(peakRSSBytes() / 1_048_576) MiB (whole process, including the broker and the preloaded data); "
                  + "allocator: \(allocator)")
        }
    }

    /// One round of a scenario. The rate counts from the first record to the end of the final checkpoint and
    /// commit, so a stateful scenario's rate includes writing its state (`checkpointMs`).
    struct Run {
        var rate: Double
        var c: Double
        var deadLetters: Int
        var checkpointMs: Double
        /// Segment bytes the final checkpoint wrote (compressed state).
        var checkpointBytes: Int
    }

    static func checkpointNote(_ ms: Double, bytes: Int) -> String {
        guard ms > 0 else { return "" }
        return String(format: ", final checkpoint %.0f ms", ms) + (bytes > 0 ? String(format: " %.1f MB", Double(bytes) / 1e6) : "")
    }

    /// One scenario on a fresh broker, then the C passthrough over the same input on that broker.
    func runOnce(_ scenario: String, _ c: CBaseline) throws -> Run {
        let broker = try EmbeddedBroker()
        for t in ["bench-in", "bench-out", "bench-c-out", "bench.dlq", "bench.dead-letters", "bench-features-changelog"] {
            try broker.createTopic(t, partitions: partitions)
        }
        try preload(broker: broker)
        let dir = NSTemporaryDirectory() + "sluice-bench-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.topology(scenario, threads: threads).write(toFile: dir + "/bench.yaml", atomically: true, encoding: .utf8)
        let topology = try TopologyLoading.compile(dir + "/bench.yaml")
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let engine = try Engine(topology: topology, options: EngineOptions(
            bootstrapOverride: broker.bootstrapServers, stateDirectory: dir + "/state", stopAfterRecords: records,
            instanceID: "bench", logger: logger))
        try engine.run()
        let s = engine.statusSnapshot
        let seconds = Double((s.finishedMillis ?? 0) - (s.firstRecordMillis ?? 0)) / 1000
        let rate = Double(s.recordsIn) / max(seconds, 0.001)
        // The C program passes the same input through on the same broker.
        let cRate = try c.run(["passthrough", "-b", broker.bootstrapServers, "-i", "bench-in", "-o", "bench-c-out", "-n", "\(records)"])
        return Run(rate: rate, c: cRate, deadLetters: s.deadLetters, checkpointMs: s.lastCheckpointDurationMs ?? 0,
                   checkpointBytes: s.lastCheckpointBytes ?? 0)
    }

    func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Where the synthetic stream's event times (20 ms apart) begin: 12:00 UTC the day before, so that a run at any
    /// time of day sees the same windows. S3 counts distinct merchants over UTC days: a stream crossing midnight
    /// closed the day's window partway, and such a run kept less state (3.2–3.3 MB instead of 4.0) and ran faster.
    /// A stream longer than 12 hours ends now instead.
    static func streamStart(records: Int, now: Int64) -> Int64 {
        let day: Int64 = 86_400_000
        let span = Int64(records) * 20
        let noonYesterday = now - now % day - day / 2
        return span <= day / 2 ? noonYesterday : now - span
    }

    /// Synthetic transactions (~1 % invalid), keyed by user.
    func preload(broker: EmbeddedBroker) throws {
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers),
                                         logger: KafkaThroughput.quietLogger)
        var generator = SyntheticTransactions(seed: 9, invalidEvery: 100,
                                              startTime: Self.streamStart(records: records, now: Int64(Date().timeIntervalSince1970 * 1000)))
        var buffer: [UInt8] = []
        for _ in 0..<records {
            buffer.removeAll(keepingCapacity: true)
            let key = generator.next(into: &buffer)
            try producer.sendWaiting(topic: "bench-in", key: Array(key.utf8), value: buffer)
        }
        try producer.flush(timeoutMs: 120_000)
    }
}
