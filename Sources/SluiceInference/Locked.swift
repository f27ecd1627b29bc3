import Foundation

/// A value behind a lock. `NSLock` rather than `Synchronization.Mutex` so the module keeps
/// the package's macOS 14 deployment target.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
