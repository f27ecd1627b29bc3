// Throughput of the JSON record decoder and encoder on a realistic ~200-byte transaction,
// next to a baseline that only scans the same bytes for '"' (memchr), the floor any JSON parser pays.
// Run: swift run -c release SluiceFormatsBench [records]
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SluiceCore
import SluiceFormats

let recordCount = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let distinct = 1024

/// Distinct records so branch predictors and caches see realistic variety.
func makeRecord(_ i: Int) -> [UInt8] {
    let amount = Double(i % 100_000) / 100 + 0.45
    let text = #"{"event_id":"e\#(100_000 + i)","user_id":"u\#(i % 9973)","amount":\#(amount),"currency":"AED","#
        + #""country":"AE","merchant":"m\#(i % 517)","mcc":5411,"ts":\#(1_700_000_000_000 + Int64(i) * 37),"#
        + #""channel":"web","card_present":false,"device":{"os":"ios","version":"17.1"},"risk_score":0.\#(i % 97 + 3)}"#
    return Array(text.utf8)
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

let inputs = (0..<distinct).map(makeRecord)
let averageSize = Double(inputs.reduce(0) { $0 + $1.count }) / Double(distinct)
let totalBytes = averageSize * Double(recordCount)

func report(_ label: String, seconds: Double) -> Double {
    let rate = Double(recordCount) / seconds
    let mb = totalBytes / seconds / 1_000_000
    print("\(label.padding(toLength: 28, withPad: " ", startingAt: 0)) \(String(format: "%10.0f", rate)) records/s  "
        + "\(String(format: "%8.1f", mb)) MB/s")
    return rate
}

// Baseline: count quotes with memchr.
var quotes = 0
var t0 = now()
for i in 0..<recordCount {
    inputs[i & (distinct - 1)].withUnsafeBytes { raw in
        var p = raw.baseAddress!
        let end = p + raw.count
        while let hit = memchr(p, Int32(UInt8(ascii: "\"")), end - p) {
            quotes += 1
            p = UnsafeRawPointer(hit) + 1
        }
    }
}
let baseline = report("baseline (memchr '\"')", seconds: now() - t0)

let decoder = JSONRecordDecoder()
var fieldCount = 0
var decoded: [Fields] = []
decoded.reserveCapacity(distinct)
t0 = now()
for i in 0..<recordCount {
    let fields = try inputs[i & (distinct - 1)].withUnsafeBytes { try decoder.decode($0) }
    fieldCount &+= fields.count
    if decoded.count < distinct { decoded.append(fields) }
}
let decodeRate = report("JSON decode", seconds: now() - t0)

let encoder = JSONRecordEncoder()
var buffer: [UInt8] = []
buffer.reserveCapacity(512)
var written = 0
t0 = now()
for i in 0..<recordCount {
    buffer.removeAll(keepingCapacity: true)
    try encoder.encode(decoded[i & (distinct - 1)], into: &buffer)
    written &+= buffer.count
}
let encodeRate = report("JSON encode", seconds: now() - t0)

print("records: \(recordCount), average size: \(String(format: "%.0f", averageSize)) bytes, "
    + "checksums: \(quotes) quotes, \(fieldCount) fields, \(written) bytes written")
print("decode / baseline: \(String(format: "%.3f", decodeRate / baseline))  "
    + "encode / baseline: \(String(format: "%.3f", encodeRate / baseline))")
