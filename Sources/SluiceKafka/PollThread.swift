import Foundation
import Synchronization

/// A dedicated thread running `body` until stopped. Used for librdkafka's blocking poll calls, which must
/// not run on Swift's cooperative pool.
final class PollThread: Sendable {
    private let running = Atomic<Bool>(true)
    private let done = DispatchSemaphore(value: 0)

    init(name: String, body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            while running.load(ordering: .acquiring) { body() }
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Stops the loop and waits for the current iteration to finish.
    func stop() {
        if running.exchange(false, ordering: .acquiringAndReleasing) { done.wait() }
    }
}
