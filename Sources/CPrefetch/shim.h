#ifndef SLUICE_CPREFETCH_SHIM_H
#define SLUICE_CPREFETCH_SHIM_H

/* A cache prefetch hint for memory about to be read and written (Swift has no prefetch intrinsic).
   Never faults, whatever the address. */
static inline void sluice_prefetch(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
