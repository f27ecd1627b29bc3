#ifndef SLUICE_CMALLOC_SHIM_H
#define SLUICE_CMALLOC_SHIM_H

#include <malloc.h>

/* Sets glibc's fast-bin size limit (mallopt M_MXFAST); 0 turns fast bins off. Returns 1 on success. */
static inline int sluice_set_fast_bin_limit(int bytes) {
    return mallopt(M_MXFAST, bytes);
}

#endif
