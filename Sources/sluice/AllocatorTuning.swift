#if canImport(Glibc)
import Glibc
#endif

/// glibc's per-thread cache keeps 7 freed blocks per size; a task's chunk frees hundreds of records' buffers of
/// a few sizes at once, so the rest went to the shared bins and were merged back on a later large request
/// (`malloc_consolidate`), a fifth of the engine's CPU in S2. The cache size is a tunable read only at process
/// start (`GLIBC_TUNABLES`), so `sluice` sets it and executes itself again, once, before doing anything else.
/// A `GLIBC_TUNABLES` that already sets `tcache_count` is left as it is; `SLUICE_MALLOC_TUNING=off` skips this.
enum AllocatorTuning {
    static let tcacheCount = 4096

    static func reexecIfNeeded() {
        #if os(Linux)
        if let mode = getenv("SLUICE_MALLOC_TUNING"), String(cString: mode) == "off" { return }
        let current = getenv("GLIBC_TUNABLES").map { String(cString: $0) } ?? ""
        if current.contains("tcache_count") { return }
        let tunables = (current.isEmpty ? "" : current + ":") + "glibc.malloc.tcache_count=\(tcacheCount)"
        setenv("GLIBC_TUNABLES", tunables, 1)
        // The binary's own path (executing the /proc link would rename the process "exe"), argv as received;
        // on failure (no /proc), carry on untuned.
        var path = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &path, path.count - 1)
        if length > 0 { execv(path, CommandLine.unsafeArgv) }
        unsetenv("GLIBC_TUNABLES")
        if !current.isEmpty { setenv("GLIBC_TUNABLES", current, 1) }
        #endif
    }
}
