import Foundation

/// Runs blocking work (a `recv`, a child's pipe, `waitpid`) on a thread of its
/// own and resumes the caller with its result.
///
/// Neither Swift's cooperative pool nor GCD's global queues fit: the daemons
/// under test run in this process on the cooperative pool, and GCD's global
/// queues are as wide as the cores, so under a loaded `make test` a blocked
/// read could wait seconds for a GCD worker before it even started (a CI run
/// saw a 400 the daemon had sent at once arrive 5 s late). A thread per call
/// costs ~20 µs and starts now.
enum BlockingCall {
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
