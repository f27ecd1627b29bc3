import CJemalloc

/// The process's allocator: jemalloc, linked into `sluice` so that it serves every allocation — the Swift
/// runtime's, librdkafka's and the embedded broker's.
///
/// Why: the processing threads allocate and free a batch's records, outputs and growing per-key window state in
/// bursts of thousands, and the thread serving delivery reports frees the producer's messages those threads
/// allocated. glibc's per-thread cache holds 7 blocks of a size, so most of a burst went through its arena
/// bins under a lock, splitting and merging chunks: 13–15 % of the S2 and S3 processing threads' `perf` samples
/// were in glibc's malloc and free. jemalloc's thread caches and size-class slabs take such bursts, and frees
/// from other threads, cheaply. Measured with `sluice bench e2e` in interleaved runs: see docs/engine.md.
/// jemalloc runs with its defaults; the `MALLOC_CONF` environment variable changes them.
enum Allocator {
    /// "jemalloc 5.3.0", and whether it really serves malloc (the link order decides).
    static var summary: String {
        guard let version = sluice_jemalloc_version() else { return "jemalloc unavailable" }
        let name = "jemalloc " + String(cString: version).prefix { $0 != "-" }
        switch sluice_jemalloc_serves_malloc() {
        case 1: return name
        case 0: return name + " (linked, but malloc is served by another allocator)"
        default: return name + " (whether it serves malloc is unknown: no statistics)"
        }
    }
}
