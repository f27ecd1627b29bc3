import ArgumentParser
import Foundation
import SluiceModels

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Score files offline and manage model versions in a registry.",
        subcommands: [Score.self] + ModelRegistryCommands.all)

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score a CSV (header = feature names; empty cell or NaN = missing) with any supported model format.")
        @Argument(help: "Model file: linear JSON, XGBoost JSON, LightGBM text or ONNX.") var model: String
        @Option(help: "Input CSV.") var input: String
        @Option(help: "Output CSV (row + the operator's output columns).") var output: String
        @Option(help: "Feature names for ONNX models (comma-separated), in input order.") var features: String?

        func run() throws {
            let loaded = try ModelLoader.load(contentsOf: model, featureNames: features?.split(separator: ",").map(String.init))
            let rows = try OfflineScorer.scoreCSV(model: loaded, inputPath: input, outputPath: output)
            print("scored \(rows) rows with \(loaded.format.rawValue) model \(model) → \(output) (columns: \(loaded.outputNames.joined(separator: ", ")))")
        }
    }
}
