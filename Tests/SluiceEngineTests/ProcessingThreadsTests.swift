import Foundation
import Synchronization
import Testing
@testable import SluiceEngine

@Suite("Processing threads")
struct ProcessingThreadsTests {
    @Test("threads claim the heaviest jobs first; equal weights keep their order")
    func claimOrder() {
        #expect(ProcessingThreads.claimOrder([9, 1, 8, 2, 7, 3], weight: { $0 }) == [9, 8, 7, 3, 2, 1])
        #expect(ProcessingThreads.claimOrder(["a", "bb", "c", "dd"], weight: { $0.count }) == ["bb", "dd", "a", "c"])
        #expect(ProcessingThreads.claimOrder([Int](), weight: { $0 }).isEmpty)
    }

    @Test("every job runs exactly once, whatever the thread count; one thread means the calling thread", arguments: [1, 2, 4])
    func runsEachJobOnce(threads: Int) {
        let seen = Mutex<[Int: Int]>([:])
        let threadIDs = Mutex<Set<UInt64>>([])
        ProcessingThreads(count: threads).run(Array(0..<64), weight: { _ in 1 }) { job in
            var spin = 0.0
            for i in 0..<20_000 { spin += Double(i).squareRoot() }  // long enough for the other threads to start
            seen.withLock { $0[job, default: 0] += 1 }
            threadIDs.withLock { _ = $0.insert(UInt64(pthread_self())) }
            #expect(spin > 0)
        }
        #expect(seen.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0..<64).map { ($0, 1) }))
        if threads == 1 { #expect(threadIDs.withLock { $0.count } == 1) }
    }

    @Test("start returns while its jobs run; wait joins them, each run once, side by side on their own threads", arguments: [1, 2, 3])
    func startThenWait(threads: Int) {
        let seen = Mutex<[Int: Int]>([:])
        let release = DispatchSemaphore(value: 0)
        let workers = ProcessingThreads(count: threads)
        // Every job waits for the caller: `start` returning proves the caller is not one of the job threads.
        let started = workers.start(Array(0..<12), weight: { $0 }) { job in
            release.wait()
            seen.withLock { $0[job, default: 0] += 1 }
        }
        #expect(seen.withLock { $0.isEmpty })
        for _ in 0..<12 { release.signal() }
        started.wait()
        #expect(seen.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0..<12).map { ($0, 1) }))
    }
}
