import CAllocatorTuning

/// How the daemon asks the C allocator to treat request-sized blocks.
///
/// glibc's malloc serves blocks above a (dynamic) threshold with `mmap` and
/// returns freed memory at the top of an arena to the kernel (`madvise`).
/// Every request body (0.5-4 MiB) and its enriched copy were therefore
/// page-faulted in and zeroed by the kernel again on each request: 12% of
/// the processor's time on the reference payload, ~13% faster without it
/// (`make bench`, same-minutes A/B). Keeping freed blocks costs resident
/// memory up to `retainedBytes` per arena that a burst leaves behind.
public enum AllocatorTuning {
    /// Blocks up to this size come from the arenas (glibc's ceiling is 32 MiB).
    public static let arenaBlockLimit = 32 << 20
    /// Freed memory an arena keeps before trimming.
    public static let retainedBytes = 128 << 20

    /// Applies the settings to the whole process; call once at startup.
    /// Returns whether the C library took them (false off glibc: nothing changes).
    @discardableResult
    public static func keepFreedMemory() -> Bool {
        ta_keep_freed_memory(Int32(arenaBlockLimit), Int32(retainedBytes)) == 1
    }
}
