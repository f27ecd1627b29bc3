// swift-tools-version:6.1
// ordo-one/benchmark suite for Sluice's Kafka layer on the embedded broker.
// Run from this directory (see README.md):
//   swift package --scratch-path ../../.build-bench benchmark --no-progress
import PackageDescription

let package = Package(
    name: "KafkaThroughput",
    platforms: [.macOS(.v14)],
    dependencies: [
        // Only the malloc interposer trait: mallocCountTotal and friends on Swift 6.3+.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(name: "Sluice", path: "../.."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "KafkaThroughput",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SluiceKafka", package: "Sluice"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/KafkaThroughput",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ],
    swiftLanguageModes: [.v6]
)
