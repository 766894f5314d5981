import Testing
import TokenAudit

@Suite struct AllocatorTuningTests {
    /// On glibc (every machine this project targets) both settings must be
    /// taken: a shim that silently did nothing (it once tested for glibc
    /// before any header had defined `__GLIBC__`) left every request's
    /// buffers page-faulting in again.
    #if canImport(Glibc)
    @Test func glibcTakesBothSettings() {
        #expect(AllocatorTuning.keepFreedMemory())
    }
    #endif
}
