#ifndef TA_ALLOCATOR_TUNING_H
#define TA_ALLOCATOR_TUNING_H

/// Serve blocks up to `mmap_threshold` bytes from malloc's arenas and keep up
/// to `trim_threshold` freed bytes per arena instead of returning them to the
/// kernel. Returns 1 when the C library took both settings, 0 otherwise (a C
/// library other than glibc, or a value it refuses).
int ta_keep_freed_memory(int mmap_threshold, int trim_threshold);

#endif
