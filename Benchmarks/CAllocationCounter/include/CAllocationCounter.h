// Counts heap allocations for the benchmark executable (never linked into
// the daemon): malloc, calloc, realloc and posix_memalign defined here
// interpose glibc's for the whole process and forward to __libc_*.
#ifndef TOKENAUDIT_C_ALLOCATION_COUNTER_H
#define TOKENAUDIT_C_ALLOCATION_COUNTER_H

#include <stdint.h>

/// Allocations (malloc, calloc, realloc, posix_memalign) since process start.
uint64_t ta_allocation_count(void);

#endif
