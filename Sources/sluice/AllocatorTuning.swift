#if canImport(Glibc)
import CMalloc
import Glibc
#endif

/// Process-wide allocator settings, applied before a command runs.
enum AllocatorTuning {
    /// Turns off glibc's fast bins, unless `GLIBC_TUNABLES` sets `glibc.malloc.mxfast` itself.
    ///
    /// Why: with fast bins on, every allocation of 1 KiB or more (a batch's lists, output buffers, a key's window
    /// state growing) first merges every freed small chunk of its arena (`malloc_consolidate`). The processing
    /// threads free thousands of small blocks per batch, so that merging was a visible share of their CPU. Small
    /// blocks are still served from glibc's per-thread cache.
    static func apply() {
        #if canImport(Glibc)
        if let tunables = getenv("GLIBC_TUNABLES"), String(cString: tunables).contains("mxfast") { return }
        _ = sluice_set_fast_bin_limit(0)
        #endif
    }
}
