import Foundation

/// What an evaluation may read besides the record: the processing-time clock.
///
/// Operators take one context per batch, so every record of a batch sees the same `now()`
/// and a batch's results do not depend on how long it took to process.
public struct EvaluationContext: Sendable, Hashable {
    /// Processing time in milliseconds since the epoch; what `now()` returns.
    public var now: Int64

    public init(now: Int64) { self.now = now }

    /// A context whose clock reads the system's wall-clock time.
    public static func current() -> EvaluationContext {
        EvaluationContext(now: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
