// Compares the compiled expression `log1p(amount) * 2 + if amount > 100 then 1 else 0`
// with the same computation written by hand in Swift, over the same 1M records in the same run.
// Run with: swift run -c release SluiceExpressionsBench
import Foundation
import SluiceCore
import SluiceExpressions

let recordCount = 1_000_000
let rounds = 5
let source = "log1p(amount) * 2 + if amount > 100 then 1 else 0"

var generator = SystemRandomNumberGenerator()
let records: [Record] = (0..<recordCount).map { i in
    Record(fields: [
        "event_id": .string("e\(i)"),
        "user_id": .string("u\(i % 977)"),
        "amount": .double(Double.random(in: 0..<500, using: &generator)),
        "country": "AE",
    ])
}

/// One timed pass: nanoseconds per record and a checksum that keeps the work from being optimised away.
func timed(_ body: () throws -> Double) rethrows -> (ns: Double, checksum: Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let checksum = try body()
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / Double(recordCount), checksum)
}

let compiled = try Expression.parse(source).compile()
let typed = try Expression.parse(source).compile(schema: ["amount": .number])
let filter = try Expression.parse("amount > 100 and country in ['AE', 'SA']").compile()
let context = EvaluationContext(now: 0)

let handWritten: (borrowing Record) -> Double = { record in
    guard let amount = record.fields["amount"]?.asDouble else { return .nan }
    return log1p(amount) * 2 + (amount > 100 ? 1 : 0)
}

let variants: [(label: String, run: () throws -> Double)] = [
    ("hand-written Swift closure", {
        var sum = 0.0
        for i in records.indices { sum += handWritten(records[i]) }
        return sum
    }),
    ("compiled expression, no schema", {
        var sum = 0.0
        for i in records.indices { sum += try compiled.evaluate(records[i], context).asDouble ?? .nan }
        return sum
    }),
    ("compiled expression, schema amount: number", {
        var sum = 0.0
        for i in records.indices { sum += try typed.evaluate(records[i], context).asDouble ?? .nan }
        return sum
    }),
    ("evaluateBool  amount > 100 and country in ['AE', 'SA']", {
        var kept = 0.0
        for i in records.indices where try filter.evaluateBool(records[i], context) { kept += 1 }
        return kept
    }),
]

// Records are read in place (records[i] into a borrowing parameter), so no variant pays for copies.
// Rounds interleave the variants so that a busy machine slows them alike; the best round counts.
var best = Array(repeating: Double.infinity, count: variants.count)
var checksums = Array(repeating: 0.0, count: variants.count)
for _ in 0..<rounds {
    for (i, variant) in variants.enumerated() {
        let result = try timed(variant.run)
        best[i] = min(best[i], result.ns)
        checksums[i] = result.checksum
    }
}

print("expression: \(source)")
print("records: \(recordCount), best of \(rounds) interleaved rounds")
for (i, variant) in variants.enumerated() {
    print("  \(variant.label): \(String(format: "%.1f", best[i])) ns/eval (checksum \(String(format: "%.3f", checksums[i])))")
}
print("ratio compiled/hand-written: \(String(format: "%.2f", best[1] / best[0]))x without schema, "
    + "\(String(format: "%.2f", best[2] / best[0]))x with schema")
