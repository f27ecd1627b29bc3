import Foundation

/// Paths located from this file, so tests run from any working directory (no Bundle.module).
enum TestPaths {
    /// The package root (this file is `Tests/SluiceOperatorsTests/Support/TestPaths.swift`).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    /// The example topologies (`topologies/` of the repository).
    static let topologies = root + "/topologies"
}
