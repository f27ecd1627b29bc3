import Dispatch
import Foundation
import Synchronization

/// SIGINT / SIGTERM turned into a flag the long-running commands poll (and a wait for the first one).
final class ShutdownSignal: Sendable {
    static let shared = ShutdownSignal()

    private let requested = Atomic<Bool>(false)
    private let sources = Mutex<[DispatchSourceSignal]>([])

    var isRequested: Bool { requested.load(ordering: .acquiring) }

    func request() { requested.store(true, ordering: .releasing) }

    /// Installs the handlers (idempotent). The first signal asks for a graceful stop; a second one exits at once.
    func install() {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [self] in
                    if requested.exchange(true, ordering: .acquiringAndReleasing) {
                        FileHandle.standardError.write(Data("\nsluice: second signal, exiting now\n".utf8))
                        exit(130)
                    }
                }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Sleeps until a signal arrives.
    func wait() async {
        while !isRequested { try? await Task.sleep(for: .milliseconds(100)) }
    }
}
