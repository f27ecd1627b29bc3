#ifndef SLUICE_CJEMALLOC_SHIM_H
#define SLUICE_CJEMALLOC_SHIM_H

/* jemalloc (Debian's libjemalloc-dev, unprefixed): linked into the `sluice` executable, it serves every
   malloc of the process, librdkafka's and the Swift runtime's included. */
#include <jemalloc/jemalloc.h>
#include <stdint.h>

/* The running jemalloc's version string, or NULL. */
static inline const char *sluice_jemalloc_version(void) {
    const char *version = NULL;
    size_t size = sizeof(version);
    return mallctl("version", &version, &size, NULL, 0) == 0 ? version : NULL;
}

/* Bytes jemalloc has handed to the calling thread so far (`thread.allocated`), or UINT64_MAX without stats. */
static inline uint64_t sluice_jemalloc_thread_allocated(void) {
    uint64_t allocated = 0;
    size_t size = sizeof(allocated);
    return mallctl("thread.allocated", &allocated, &size, NULL, 0) == 0 ? allocated : UINT64_MAX;
}

/* Whether jemalloc serves this process's malloc: 1 when a 1 MiB malloc shows in its per-thread count, 0 when it
   does not (libc came first in the link order, so jemalloc sits unused), -1 when jemalloc keeps no statistics. */
static inline int sluice_jemalloc_serves_malloc(void) {
    uint64_t before = sluice_jemalloc_thread_allocated();
    void *volatile probe = malloc(1 << 20);
    uint64_t after = sluice_jemalloc_thread_allocated();
    free(probe);
    if (before == UINT64_MAX || after == UINT64_MAX) return -1;
    return after - before >= (1 << 20) ? 1 : 0;
}

#endif
