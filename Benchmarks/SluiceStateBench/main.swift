// Checkpoint and restore benchmark for SluiceState, each figure next to a baseline measured in the
// same run: a plain write(2)+fsync of the same number of uncompressed bytes, and a plain read.
//
//   swift run -c release SluiceStateBench [keys] [--dir /path]
import Foundation
import SluiceState

let args = CommandLine.arguments
let keyCount = args.count > 1 ? Int(args[1]) ?? 1_000_000 : 1_000_000
let root = args.firstIndex(of: "--dir").map { args[$0 + 1] } ?? NSTemporaryDirectory() + "sluice-state-bench-\(getpid())"
try? FileManager.default.removeItem(atPath: root)
try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: root) }

struct Rng {
    var s: UInt64
    mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func double() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// 16-byte key: an 8-byte entity id (hashed, so keys are spread) + 8-byte feature id.
func key(_ i: Int) -> [UInt8] {
    var b = [UInt8]()
    b.reserveCapacity(16)
    var r = Rng(s: UInt64(i))
    withUnsafeBytes(of: r.next().bigEndian) { b.append(contentsOf: $0) }
    withUnsafeBytes(of: UInt64(i % 16).bigEndian) { b.append(contentsOf: $0) }
    return b
}

/// ~64-byte feature state: count, sum, mean, M2 (Welford), min, max, last event time, flags.
func value(_ i: Int, _ rng: inout Rng) -> [UInt8] {
    var w = StateBinaryWriter()
    let n = Int64(rng.next() % 5000)
    let mean = (rng.double() * 200).rounded() / 4
    w.write(n)
    w.write(mean * Double(n))
    w.write(mean)
    w.write(rng.double() * 50)
    w.write(mean - Double(rng.next() % 30))
    w.write(mean + Double(rng.next() % 30))
    w.write(Int64(1_732_000_000_000) + Int64(rng.next() % 86_400_000))
    w.write(Int32(i % 7))
    w.write(Int32(0))
    return w.bytes
}

func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
func mb(_ n: Int) -> Double { Double(n) / 1_048_576 }
func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }

/// Baseline: write `bytes` uncompressed bytes to a file with write(2) and fsync it.
func baselineWrite(_ bytes: Int, path: String) -> Duration {
    let buffer = [UInt8](repeating: 0x5A, count: bytes)
    let clock = ContinuousClock()
    let start = clock.now
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    buffer.withUnsafeBytes { b in
        var off = 0
        while off < b.count { off += write(fd, b.baseAddress! + off, b.count - off) }
    }
    fsync(fd)
    close(fd)
    return clock.now - start
}

func baselineRead(path: String) -> (Duration, Int) {
    let clock = ContinuousClock()
    let start = clock.now
    let data = FileManager.default.contents(atPath: path)!
    var sum: UInt64 = 0
    data.withUnsafeBytes { b in for i in stride(from: 0, to: b.count, by: 4096) { sum &+= UInt64(b[i]) } }
    precondition(sum >= 0)
    return (clock.now - start, data.count)
}

print("SluiceStateBench: \(keyCount) keys, 16-byte keys, 64-byte feature-state values, \(ProcessInfo.processInfo.activeProcessorCount) cores")
print("(ms = wall time of PartitionState.checkpoint: segment write + fsync + rename + manifest + fsyncs)\n")

for codec in [CompressionCodec.zstd, .lz4] {
    let config = PartitionStateConfig(rootDirectory: root + "/\(codec)", operatorName: "features", partition: 0)
    let state = try PartitionState(config: config)
    let store = try KeyValueStore(name: "agg", options: StoreOptions(codec: codec))
    try state.register(store)
    var rng = Rng(s: 7)
    let keys = (0..<keyCount).map(key)
    for i in 0..<keyCount { try store.put(keys[i], value(i, &rng), timestamp: 0) }

    print("== \(codec) ==")
    var offset: Int64 = 0
    for (label, share) in [("100 %", 1.0), ("10 %", 0.10), ("1 %", 0.01)] {
        if share < 1 {
            let n = Int(Double(keyCount) * share)
            var r = Rng(s: UInt64(n))
            for _ in 0..<n {
                let i = Int(r.next() % UInt64(keyCount))
                try store.put(keys[i], value(i, &rng), timestamp: 0)
            }
        }
        let dirty = store.dirtyCount
        offset += 1
        let result = try state.checkpoint(offsets: ["events": [0: offset]])
        let base = baselineWrite(result.rawBytesWritten, path: root + "/baseline.bin")
        print("checkpoint \(label) dirty (\(dirty) keys): \(f(ms(result.totalDuration))) ms "
            + "[segment \(f(ms(result.segmentWriteDuration))) ms, manifest \(f(ms(result.manifestWriteDuration))) ms], "
            + "\(f(mb(result.rawBytesWritten))) MiB raw -> \(f(mb(result.bytesWritten))) MiB, ratio \(f(Double(result.rawBytesWritten) / Double(max(1, result.bytesWritten)), 2))x"
            + " | baseline write+fsync of \(f(mb(result.rawBytesWritten))) MiB raw: \(f(ms(base))) ms")
    }

    for phase in ["3 segments", "compacted"] {
        if phase == "compacted" {
            // Force a merge of all segments (threshold 1) to time compaction and single-segment restore.
            let forced = try PartitionState(config: PartitionStateConfig(
                rootDirectory: config.rootDirectory, operatorName: "features", partition: 0, compactionSegmentThreshold: 1))
            let s = try KeyValueStore(name: "agg", options: StoreOptions(codec: codec))
            try forced.register(s)
            _ = try forced.restore()
            let clock = ContinuousClock()
            let t0 = clock.now
            let done = try forced.compactIfNeeded()
            print("compaction of \(done.first?.job.inputs.count ?? 0) segments: \(f(ms(clock.now - t0))) ms")
        }
        let fresh = try PartitionState(config: config)
        let freshStore = try KeyValueStore(name: "agg", options: StoreOptions(codec: codec))
        try fresh.register(freshStore)
        guard let restored = try fresh.restore() else { fatalError("nothing restored") }
        precondition(freshStore.count == keyCount)
        let rate = mb(restored.rawBytes) / (ms(restored.duration) / 1000)
        let baseFile = root + "/baseline-read.bin"
        _ = baselineWrite(restored.rawBytes, path: baseFile)
        let (baseDuration, baseBytes) = baselineRead(path: baseFile)
        print("restore (\(phase), \(restored.segmentsRead) segments, \(freshStore.count) keys): \(f(ms(restored.duration))) ms, "
            + "\(f(mb(restored.rawBytes))) MiB uncompressed = \(f(rate, 0)) MB/s "
            + "| baseline plain read of \(f(mb(baseBytes))) MiB: \(f(mb(baseBytes) / (ms(baseDuration) / 1000), 0)) MB/s")
    }
    print()
}
