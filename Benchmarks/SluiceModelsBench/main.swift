// Scoring throughput of SluiceModels on one core.
//
// Usage: SluiceModelsBench <model file> <csv batch> [repetitions]
// Loads the model and the CSV (header = feature names, as OfflineScorer reads it), scores the
// whole batch `repetitions` times (default 5) and prints the best rows/s as `rows_per_second=<n>`.
import Foundation
import SluiceModels

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: SluiceModelsBench <model> <batch.csv> [repetitions]\n".utf8))
    exit(2)
}
let repetitions = arguments.count > 3 ? max(Int(arguments[3]) ?? 5, 1) : 5

let model: any ScoringModel
do {
    model = try ModelLoader.load(contentsOf: arguments[1])
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}

// Parse the batch into a row-major matrix in the model's feature order.
let text = try String(contentsOfFile: arguments[2], encoding: .utf8)
let lines = text.split(separator: "\n")
let header = lines[0].split(separator: ",").map(String.init)
let columns = model.featureNames.map { name in header.firstIndex(of: name) ?? -1 }
if let missing = columns.firstIndex(of: -1) {
    FileHandle.standardError.write(Data("batch has no column \(model.featureNames[missing])\n".utf8))
    exit(1)
}
let rows = lines.count - 1
var input = [Double](repeating: .nan, count: rows * columns.count)
for (r, line) in lines.dropFirst().enumerated() {
    let cells = line.split(separator: ",", omittingEmptySubsequences: false)
    for (j, c) in columns.enumerated() { input[r * columns.count + j] = Double(cells[c]) ?? .nan }
}
var output = [Double](repeating: 0, count: rows * model.outputNames.count)

var best = Double.infinity
for _ in 0..<repetitions {
    let start = DispatchTime.now().uptimeNanoseconds
    input.withUnsafeBufferPointer { inp in
        output.withUnsafeMutableBufferPointer { model.score(inp, rows: rows, into: $0) }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    best = min(best, seconds)
}
var checksum = 0.0
for v in output { checksum += v }
print("rows=\(rows) repetitions=\(repetitions) best_seconds=\(best) checksum=\(checksum)")
print("rows_per_second=\(Double(rows) / best)")
