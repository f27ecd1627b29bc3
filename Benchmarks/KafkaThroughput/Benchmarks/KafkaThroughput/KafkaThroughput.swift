// Producer and consumer throughput of SluiceKafka on the embedded broker (librdkafka's mock cluster),
// with ordo-one/benchmark. Run from Benchmarks/KafkaThroughput (see README.md).
//
// Each measured iteration moves `recordsPerIteration` records of `recordSize` bytes; the scaling factor is
// set to the same number, so wallClock, throughput and mallocCountTotal read *per record*
// (ns/record, records/s, mallocs/record). peakMemoryResident is the whole process's peak.
//
// The built-in `throughput` metric is computed per iteration as round(1 / seconds) and then scaled, so for
// ~1 s iterations it only resolves whole millions of records/s (and drops iterations slower than 2 s). The
// custom metric "Records/s" carries the exact rate of each iteration.

import Benchmark
import Logging
import SluiceKafka
import Synchronization

/// Records per measured iteration. Must equal `scalingFactor.rawValue` (a power of 1000) for the per-record
/// reading to be exact, hence 1_000_000 rather than a round 200_000.
let recordsPerIteration = 1_000_000  // == BenchmarkScalingFactor.mega.rawValue
let recordSize = 200
let partitionCount: Int32 = 8
/// The topic the consumer benchmark reads; filled once, by its setup hook.
let consumeTopic = "consume"

let quietLogger: Logger = {
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    return logger
}()

/// One broker per benchmark process, created on first use (never inside a measured region).
let broker: EmbeddedBroker = try! EmbeddedBroker()

/// 200 bytes of `abc…z`, as `sluice bench kafka` sends: lz4 compresses it well, which keeps the mock cluster
/// under its ~5 MiB-per-partition retention (older records would otherwise be silently dropped).
let payload: [UInt8] = (0..<recordSize).map { UInt8(truncatingIfNeeded: $0 % 26 + 97) }

/// Exact records per second of one iteration (not scaled).
var recordsPerSecond: BenchmarkMetric { .custom("Records/s", polarity: .prefersLarger, useScalingFactor: false) }

func rate(_ records: Int, from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Int {
    let d = (end - start).components
    return Int(Double(records) / (Double(d.seconds) + Double(d.attoseconds) / 1e18))
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
}

/// Produces `recordsPerIteration` records to `topic`, round-robin over the partitions, serving delivery reports
/// every 1000 sends and on backpressure; returns once every record is acknowledged. `measure` brackets the
/// part that is timed: from the first send to the end of `flush`.
func produceAll(to topic: String, measure: (() -> Void, () -> Void)? = nil) throws {
    let delivered = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let producer = try KafkaProducer(
        configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers), logger: quietLogger
    ) { report in
        if report.error == nil { delivered.add(1, ordering: .relaxed) } else { failed.add(1, ordering: .relaxed) }
    }
    measure?.0()
    try payload.withUnsafeBytes { value in
        for i in 0..<recordsPerIteration {
            while true {
                do {
                    try producer.send(topic: topic, partition: Int32(i % Int(partitionCount)), key: nil, value: value)
                    break
                } catch let error as KafkaError where error.code == .queueFull {
                    producer.poll(timeoutMs: 1)
                }
            }
            if i % 1000 == 0 { producer.poll() }
        }
    }
    try producer.flush(timeoutMs: 120_000)
    measure?.1()
    let ok = delivered.load(ordering: .relaxed)
    let bad = failed.load(ordering: .relaxed)
    guard ok == recordsPerIteration, bad == 0 else {
        throw BenchFailure(description: "\(ok) of \(recordsPerIteration) records delivered, \(bad) failed")
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident, recordsPerSecond],
        warmupIterations: 1,
        scalingFactor: .mega,
        maxDuration: .seconds(20),
        maxIterations: 5
    )

    // (1) Producer: a fresh topic per iteration (created outside the measured region), measured from the first
    // send until flush returns — i.e. until every record is acknowledged by the broker.
    Benchmark("Producer 200 B records (until flush)") { benchmark throws in
        let topic = "produce-\(benchmark.currentIteration)"
        try broker.createTopic(topic, partitions: partitionCount)
        var start = ContinuousClock.now
        var end = start
        try produceAll(
            to: topic,
            measure: (
                {
                    benchmark.startMeasurement()
                    start = .now
                },
                {
                    end = .now
                    benchmark.stopMeasurement()
                }
            ))
        benchmark.measurement(recordsPerSecond, rate(recordsPerIteration, from: start, to: end))
    }

    // (2) Consumer: the records are produced once by the setup hook; each iteration reads all of them with a
    // fresh consumer group (auto.offset.reset=earliest). Joining the group and waiting for the first record
    // happen before the measured region (like `sluice bench kafka`, which times from the first record).
    Benchmark(
        "Consumer 200 B records (fresh group)",
        closure: { benchmark throws in
            let consumer = try KafkaConsumer(
                configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers),
                groupID: "bench-\(benchmark.currentIteration)", logger: quietLogger)
            try consumer.subscribe([consumeTopic])
            var count = 0
            var bytes = 0
            let joinDeadline = ContinuousClock.now + .seconds(30)
            while count == 0 && ContinuousClock.now < joinDeadline {
                count += consumer.consume(maxMessages: 1, timeoutMs: 100) { m in bytes &+= m.value?.count ?? 0 }
            }
            let before = count  // the first record, which ended the group join
            benchmark.startMeasurement()
            let start = ContinuousClock.now
            let deadline = ContinuousClock.now + .seconds(120)
            while count < recordsPerIteration && ContinuousClock.now < deadline {
                count += consumer.consume(maxMessages: 10_000, timeoutMs: 100) { m in bytes &+= m.value?.count ?? 0 }
            }
            let end = ContinuousClock.now
            benchmark.stopMeasurement()
            let perSecond = rate(count - before, from: start, to: end)
            consumer.close()
            blackHole(bytes)
            guard count == recordsPerIteration else {
                throw BenchFailure(description: "consumed \(count) of \(recordsPerIteration) records")
            }
            benchmark.measurement(recordsPerSecond, perSecond)
        },
        setup: {
            try broker.createTopic(consumeTopic, partitions: partitionCount)
            try produceAll(to: consumeTopic)
        }
    )
}
