import Foundation
import Dispatch
import Synchronization

/// Runs one consume batch's task jobs side by side on up to `count` threads: `run` with the calling thread among
/// them, returning when all are done; `start` on threads of its own, returning at once (the engine consumes the
/// next batch meanwhile) with a handle to join. Tasks share nothing but the producer and their locked trackers,
/// so a batch fans out and joins again before the engine touches checkpoints, commits or rebalances.
struct ProcessingThreads {
    let count: Int
    /// One serial queue per thread for `start`: serial queues get threads of their own, beyond the shared pool's
    /// one per core, so jobs started from a pool thread (which then blocks consuming) still run side by side.
    private let queues: [DispatchQueue]

    init(count: Int) {
        self.count = max(1, count)
        queues = (0..<self.count).map { DispatchQueue(label: "sluice.processing.\($0)") }
    }

    /// Runs `body` for every job and returns when all are done. Jobs go heaviest first (by `weight`) to whichever
    /// thread is free next: the cores are shared with librdkafka's threads, so a split fixed in advance leaves one
    /// thread waiting for the other at the join. One job, or one thread: runs them in order on the calling thread.
    /// Several jobs run on the processing threads (as `start` does) while the caller waits: the shared pool's
    /// `concurrentPerform` was seen running them all on the calling thread.
    func run<Job>(_ jobs: [Job], weight: (Job) -> Int, _ body: (Job) -> Void) {
        guard count > 1, jobs.count > 1 else {
            for job in jobs { body(job) }
            return
        }
        withoutActuallyEscaping(body) { body in
            // `body` does not escape: the wait below returns only once every job has run.
            start(jobs, weight: weight, body).wait()
        }
    }

    /// As `run`, but on background threads, returning at once: the caller goes on (consuming the next batch)
    /// and joins with `Started.wait()` before it touches what the jobs touch.
    func start<Job>(_ jobs: [Job], weight: (Job) -> Int, _ body: @escaping (Job) -> Void) -> Started {
        let group = DispatchGroup()
        let queue = ClaimQueue(Self.claimOrder(jobs, weight: weight), body)
        let threads = min(queues.count, jobs.count)
        queue.threads = threads
        if ForkJoinStats.enabled, let last = ForkJoinStats.lastAllDone.withLock({ $0 }) {
            ForkJoinStats.add(gap: (ContinuousClock.now - last) * count, unused: count - threads)
        }
        for thread in queues.prefix(jobs.count) {
            thread.async(group: group) { queue.work() }
        }
        return Started(group: group)
    }

    /// Jobs handed to background threads by `start`.
    struct Started {
        let group: DispatchGroup
        func wait() { group.wait() }
    }

    /// The order threads claim jobs in: heaviest first, so the last jobs to start are the short ones.
    static func claimOrder<Job>(_ jobs: [Job], weight: (Job) -> Int) -> [Job] {
        jobs.enumerated().map { ($0.element, weight($0.element), $0.offset) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.2 < $1.2 }.map(\.0)
    }
}

/// Jobs in claim order, shared by the threads of one fork-join: each thread runs the next unclaimed job until
/// none is left, so every job runs exactly once.
private final class ClaimQueue<Job>: @unchecked Sendable {
    private let jobs: [Job]
    private let body: (Job) -> Void
    private let next = Atomic<Int>(0)

    init(_ jobs: [Job], _ body: @escaping (Job) -> Void) {
        self.jobs = jobs
        self.body = body
    }

    var threads = 1
    private let exits = Mutex<[ContinuousClock.Instant]>([])

    func work() {
        while true {
            let i = next.add(1, ordering: .relaxed).oldValue
            guard i < jobs.count else { break }
            body(jobs[i])
        }
        guard ForkJoinStats.enabled else { return }
        let now = ContinuousClock.now
        let all = exits.withLock { exits -> [ContinuousClock.Instant]? in
            exits.append(now)
            return exits.count == threads ? exits : nil
        }
        if let all, let last = all.max() {
            ForkJoinStats.add(tail: all.reduce(Duration.zero) { $0 + (last - $1) })
            ForkJoinStats.lastAllDone.withLock { $0 = last }
        }
    }
}

/// Where processing threads waited (diagnostics for SLUICE_LOOP_STATS): at the end of a fork-join for the
/// slowest thread (`tail`), and between one fork-join's end and the next one's start (`gap`, times threads).
enum ForkJoinStats {
    /// Only with `SLUICE_LOOP_STATS` set: otherwise a fork-join reads no clock and takes no lock for them.
    static let enabled = ProcessInfo.processInfo.environment["SLUICE_LOOP_STATS"] != nil
    static let totals = Mutex<(tail: Duration, gap: Duration, unused: Int)>((.zero, .zero, 0))
    static let lastAllDone = Mutex<ContinuousClock.Instant?>(nil)
    static func reset() {
        totals.withLock { $0 = (.zero, .zero, 0) }
        lastAllDone.withLock { $0 = nil }
    }

    static func add(tail: Duration = .zero, gap: Duration = .zero, unused: Int = 0) {
        totals.withLock {
            $0.tail += tail
            $0.gap += gap
            $0.unused += unused
        }
    }
}
