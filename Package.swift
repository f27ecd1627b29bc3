// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
        .library(name: "SluiceKafka", targets: ["SluiceKafka"]),
        .library(name: "SluiceEngine", targets: ["SluiceEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C libraries (Debian's -dev packages; scripts/setup.sh installs them).
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        // A header-only prefetch hint for the feature engine's state (no library to link).
        .systemLibrary(name: "CPrefetch"),
        // The `sluice` executable's allocator (see Sources/sluice/AllocatorTuning.swift).
        .systemLibrary(name: "CJemalloc", pkgConfig: "jemalloc", providers: [.apt(["libjemalloc-dev"])]),

        // Pure libraries: no Kafka, no I/O besides reading files.
        .target(name: "SluiceCore"),
        .target(name: "SluiceExpressions", dependencies: ["SluiceCore"]),
        .target(name: "SluiceFormats", dependencies: ["SluiceCore"]),
        .target(name: "SluiceModels"),
        .target(name: "SluiceStats"),
        .target(name: "SluiceTopology", dependencies: ["SluiceCore", .product(name: "Yams", package: "Yams")]),

        // Operators with their own concerns.
        .target(name: "SluiceOperators", dependencies: ["SluiceCore", "SluiceExpressions", "SluiceFormats", "SluiceTopology"]),
        .target(
            name: "SluiceInference",
            dependencies: [
                "SluiceCore", "SluiceModels", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "SluiceJoins", dependencies: ["SluiceCore"]),
        .target(name: "SluiceDrift", dependencies: ["SluiceCore", "SluiceStats"]),
        .target(name: "SluiceFeatures", dependencies: ["SluiceCore", "SluiceStats", "CPrefetch"]),

        // Keyed state: stores, segment files, manifests, checkpoints.
        .target(name: "SluiceState", dependencies: ["CZstd", "CLZ4", .product(name: "Crypto", package: "swift-crypto")]),

        // The only importer of librdkafka.
        .target(
            name: "SluiceKafka",
            dependencies: ["SluiceCore", "CRdKafka", .product(name: "Logging", package: "swift-log")]
        ),

        // Tasks, scheduling, backpressure, checkpoint coordination.
        .target(
            name: "SluiceEngine",
            dependencies: [
                "SluiceCore", "SluiceKafka", "SluiceState", "SluiceTopology", "SluiceExpressions", "SluiceFormats",
                "SluiceModels", "SluiceStats", "SluiceInference", "SluiceJoins", "SluiceOperators", "SluiceDrift", "SluiceFeatures",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Metrics, health and the admin API.
        .target(
            name: "SluiceServer",
            dependencies: [
                "SluiceCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // The engine behind the admin API and the metrics registry.
        .target(
            name: "SluiceService",
            dependencies: ["SluiceEngine", "SluiceServer", "SluiceInference", "SluiceModels", "SluiceTopology", "SluiceCore"]
        ),

        .executableTarget(
            name: "sluice",
            dependencies: [
                "CJemalloc", "SluiceCore", "SluiceKafka", "SluiceModels", "SluiceFormats", "SluiceExpressions",
                "SluiceTopology", "SluiceState", "SluiceEngine", "SluiceServer", "SluiceService", "SluiceInference", "SluiceDrift", "SluiceStats",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Micro-benchmarks (plain executables: run with `swift run -c release NAME`).
        .executableTarget(name: "SluiceFormatsBench", dependencies: ["SluiceFormats", "SluiceCore"], path: "Benchmarks/SluiceFormatsBench"),
        .executableTarget(name: "SluiceStateBench", dependencies: ["SluiceState"], path: "Benchmarks/SluiceStateBench"),
        .executableTarget(
            name: "SluiceOperatorsBench",
            dependencies: ["SluiceOperators", "SluiceCore", "SluiceExpressions", "SluiceFormats", "SluiceTopology"],
            path: "Benchmarks/SluiceOperatorsBench"),
        .executableTarget(name: "SluiceDriftBench", dependencies: ["SluiceDrift", "SluiceCore", "SluiceStats"], path: "Benchmarks/SluiceDriftBench"),
        .executableTarget(name: "SluiceFeaturesBench", dependencies: ["SluiceFeatures", "SluiceCore"], path: "Benchmarks/SluiceFeaturesBench"),
        .executableTarget(name: "SluiceStatsBench", dependencies: ["SluiceStats"], path: "Benchmarks/SluiceStatsBench"),
        .executableTarget(name: "SluiceModelsBench", dependencies: ["SluiceModels"], path: "Benchmarks/SluiceModelsBench"),
        .executableTarget(
            name: "SluiceExpressionsBench", dependencies: ["SluiceExpressions", "SluiceCore"],
            path: "Benchmarks/SluiceExpressionsBench"),

        .testTarget(name: "SluiceKafkaTests", dependencies: ["SluiceKafka"]),
        .testTarget(
            name: "SluiceEngineTests",
            dependencies: ["SluiceEngine", "SluiceKafka", "SluiceTopology", "SluiceCore", "SluiceState", "SluiceDrift"]),
        .testTarget(name: "SluiceFormatsTests", dependencies: ["SluiceFormats", "SluiceCore"]),
        .testTarget(name: "SluiceInferenceTests", dependencies: ["SluiceInference", "SluiceCore", "SluiceModels"]),
        .testTarget(name: "SluiceJoinsTests", dependencies: ["SluiceJoins", "SluiceCore"]),
        .testTarget(
            name: "SluiceOperatorsTests",
            dependencies: ["SluiceOperators", "SluiceCore", "SluiceExpressions", "SluiceFormats", "SluiceTopology"]),
        .testTarget(
            name: "SluiceServerTests",
            dependencies: [
                "SluiceServer", "SluiceCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(name: "SluiceDriftTests", dependencies: ["SluiceDrift", "SluiceCore", "SluiceStats"]),
        .testTarget(name: "SluiceFeaturesTests", dependencies: ["SluiceFeatures", "SluiceCore"]),
        .testTarget(
            name: "SluiceServiceTests",
            dependencies: [
                "SluiceService", "SluiceEngine", "SluiceServer", "SluiceKafka", "SluiceTopology", "SluiceInference", "SluiceCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "SluiceStatsTests", dependencies: ["SluiceStats"]),
        .testTarget(name: "SluiceModelsTests", dependencies: ["SluiceModels"]),
        .testTarget(name: "SluiceStateTests", dependencies: ["SluiceState"]),
        .testTarget(name: "SluiceTopologyTests", dependencies: ["SluiceTopology", "SluiceCore"]),
        .testTarget(name: "SluiceExpressionsTests", dependencies: ["SluiceExpressions", "SluiceCore"]),
    ],
    swiftLanguageModes: [.v6]
)
