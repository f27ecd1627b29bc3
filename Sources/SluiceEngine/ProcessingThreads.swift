import Dispatch

/// Runs one consume batch's task jobs side by side on up to `count` threads (the calling thread among them)
/// and returns when all are done: tasks share nothing but the producer and their locked trackers, so a batch
/// fans out and joins again before the engine touches checkpoints, commits or rebalances.
struct ProcessingThreads {
    let count: Int

    init(count: Int) { self.count = max(1, count) }

    /// Runs `body` for every job, spreading jobs over the threads by `weight` (heaviest first, each to the
    /// least loaded thread). One job, or one thread: runs them in order on the calling thread.
    func run<Job>(_ jobs: [Job], weight: (Job) -> Int, _ body: (Job) -> Void) {
        guard count > 1, jobs.count > 1 else {
            for job in jobs { body(job) }
            return
        }
        let groups = Self.balance(jobs, into: min(count, jobs.count), weight: weight)
        withoutActuallyEscaping(body) { body in
            // Each group's jobs are touched by exactly one thread, and `body` outlives the join below.
            let shared = UncheckedShare((groups, body))
            DispatchQueue.concurrentPerform(iterations: groups.count) { g in
                for job in shared.value.0[g] { shared.value.1(job) }
            }
        }
    }

    /// Greedy longest-first split of `jobs` into `n` groups of similar total weight.
    static func balance<Job>(_ jobs: [Job], into n: Int, weight: (Job) -> Int) -> [[Job]] {
        var groups = [[Job]](repeating: [], count: n)
        var loads = [Int](repeating: 0, count: n)
        let weighted = jobs.map { ($0, weight($0)) }.sorted { $0.1 > $1.1 }
        for (job, w) in weighted {
            let lightest = loads.indices.min { loads[$0] < loads[$1] }!
            groups[lightest].append(job)
            loads[lightest] += w
        }
        return groups.filter { !$0.isEmpty }
    }
}

/// Carries values a fork-join hands to its threads, which the caller guarantees they use without conflict.
private struct UncheckedShare<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
