import ArgumentParser
import Foundation
import Logging
import SluiceKafka
import Synchronization

/// Throughput of Sluice's Kafka layer against a C librdkafka program on the same embedded broker, same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput on the embedded broker against a C librdkafka baseline in the same run.",
        subcommands: [KafkaBench.self, EndToEndBench.self]
    )
}

struct KafkaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka", abstract: "Producer and consumer throughput: Sluice vs. raw librdkafka (C).")

    @Option(help: "Records per run.") var records = 1_000_000
    @Option(help: "Value size in bytes.") var size = 200
    @Option(help: "Partitions of the benchmark topics.") var partitions: Int32 = 8
    @Option(help: "Path of the C baseline binary (built from Benchmarks/c-baseline if missing).")
    var baseline = "Benchmarks/c-baseline/rdkafka_baseline"
    @Option(name: .customLong("repeat"), help: "Repetitions (the best of each is reported).") var repeat_ = 1
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func run() async throws {
        let broker = try EmbeddedBroker()
        let c = try CBaseline(path: baseline)
        var results: [String: Double] = [:]
        for round in 0..<max(repeat_, 1) {
            let swiftTopic = "bench-swift-\(round)"
            let cTopic = "bench-c-\(round)"
            try broker.createTopic(swiftTopic, partitions: partitions)
            try broker.createTopic(cTopic, partitions: partitions)
            // Interleave Swift and C so machine noise hits both alike.
            let sp = try KafkaThroughput.produce(broker: broker, topic: swiftTopic, records: records, size: size, partitions: partitions)
            let cp = try c.run(["produce", "-b", broker.bootstrapServers, "-t", cTopic, "-n", "\(records)", "-s", "\(size)", "-p", "\(partitions)"])
            let sc = try KafkaThroughput.consume(broker: broker, topic: swiftTopic, records: records)
            let cc = try c.run(["consume", "-b", broker.bootstrapServers, "-t", cTopic, "-n", "\(records)"])
            results["swift_produce"] = max(results["swift_produce"] ?? 0, sp)
            results["c_produce"] = max(results["c_produce"] ?? 0, cp)
            results["swift_consume"] = max(results["swift_consume"] ?? 0, sc)
            results["c_consume"] = max(results["c_consume"] ?? 0, cc)
        }
        let produceRatio = results["swift_produce"]! / results["c_produce"]!
        let consumeRatio = results["swift_consume"]! / results["c_consume"]!
        if json {
            var out = results
            out["produce_ratio"] = produceRatio
            out["consume_ratio"] = consumeRatio
            let data = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("records=\(records) size=\(size)B partitions=\(partitions) (records/s, best of \(max(repeat_, 1)))")
            print(String(format: "produce  sluice %10.0f   librdkafka(C) %10.0f   ratio %.2f", results["swift_produce"]!, results["c_produce"]!, produceRatio))
            print(String(format: "consume  sluice %10.0f   librdkafka(C) %10.0f   ratio %.2f", results["swift_consume"]!, results["c_consume"]!, consumeRatio))
        }
    }
}

/// Swift-side produce/consume loops, configured like the C baseline (KafkaProducer/KafkaConsumer defaults).
enum KafkaThroughput {
    static var quietLogger: Logger {
        var l = Logger(label: "bench")
        l.logLevel = .error
        return l
    }

    /// Records per second for producing `records` values of `size` bytes, until all are acknowledged.
    static func produce(broker: EmbeddedBroker, topic: String, records: Int, size: Int, partitions: Int32) throws -> Double {
        let delivered = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers), logger: quietLogger
        ) { report in
            if report.error == nil { delivered.add(1, ordering: .relaxed) } else { failed.add(1, ordering: .relaxed) }
        }
        let payload = [UInt8]((0..<size).map { UInt8(truncatingIfNeeded: $0 % 26 + 97) })
        let start = ContinuousClock.now
        try payload.withUnsafeBytes { value in
            for i in 0..<records {
                while true {
                    do {
                        try producer.send(topic: topic, partition: Int32(i) % partitions, key: nil, value: value)
                        break
                    } catch let error as KafkaError where error.code == .queueFull {
                        producer.poll(timeoutMs: 1)
                    }
                }
                if i % 1000 == 0 { producer.poll() }
            }
        }
        try producer.flush(timeoutMs: 120_000)
        let seconds = (ContinuousClock.now - start).seconds
        guard failed.load(ordering: .relaxed) == 0 else { throw ValidationError("\(failed.load(ordering: .relaxed)) deliveries failed") }
        return Double(delivered.load(ordering: .relaxed)) / seconds
    }

    /// Records per second for consuming `records` records (timed from the first record, like the C baseline).
    static func consume(broker: EmbeddedBroker, topic: String, records: Int) throws -> Double {
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers),
            groupID: "bench-\(UInt32.random(in: 0...UInt32.max))", logger: quietLogger)
        try consumer.subscribe([topic])
        var count = 0
        var bytes = 0
        var start: ContinuousClock.Instant?
        let deadline = ContinuousClock.now + .seconds(120)
        while count < records && ContinuousClock.now < deadline {
            let n = consumer.consume(maxMessages: 10_000, timeoutMs: 100) { m in bytes &+= m.value?.count ?? 0 }
            if n > 0 && start == nil { start = .now }
            count += n
        }
        consumer.close()
        guard count >= records, let start else { throw ValidationError("consumed only \(count) of \(records) records") }
        return Double(count) / (ContinuousClock.now - start).seconds
    }
}

/// Runs the C librdkafka baseline (building it with make if needed) and reads its records/s.
struct CBaseline {
    let path: String

    init(path: String) throws {
        self.path = path
        if !FileManager.default.isExecutableFile(atPath: path) {
            let dir = (path as NSString).deletingLastPathComponent
            let make = Process()
            make.executableURL = URL(fileURLWithPath: "/usr/bin/make")
            make.arguments = ["-s", "-C", dir]
            try make.run()
            make.waitUntilExit()
            guard make.terminationStatus == 0 else { throw ValidationError("could not build the C baseline in \(dir)") }
        }
    }

    func run(_ arguments: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        // The baseline runs with the system allocator, however this process was started.
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "LD_PRELOAD" }
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let line = String(data: data, encoding: .utf8)?.split(separator: "\n").last,
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let rate = object["records_per_sec"] as? Double
        else { throw ValidationError("C baseline \(arguments.first ?? "") failed (exit \(process.terminationStatus))") }
        return rate
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
