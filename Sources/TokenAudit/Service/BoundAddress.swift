import Synchronization

/// The port a server actually bound (configs may say port 0), published once
/// the server is listening so tests and logs can use it.
public final class BoundAddress: Sendable {
    private let state = Mutex<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

    public init() {}

    public func publish(port: Int) {
        let waiters = state.withLock { s -> [CheckedContinuation<Int, Never>] in
            s.port = port
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    /// The bound port, waiting until the server listens.
    public func port() async -> Int {
        await withCheckedContinuation { continuation in
            let known = state.withLock { s -> Int? in
                if let port = s.port { return port }
                s.waiters.append(continuation)
                return nil
            }
            if let known { continuation.resume(returning: known) }
        }
    }
}
