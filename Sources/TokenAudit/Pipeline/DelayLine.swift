import DequeModule
import Synchronization

/// A FIFO that hands each element out once its deadline has passed, or
/// earlier when the bytes held exceed `limitBytes` (oldest first) or the line
/// was finished (shutdown releases everything at once).
///
/// One producer (`append`, which waits while the line is over its limit) and
/// one consumer (`next`). Every element has the same hold, so deadlines are
/// in FIFO order and the consumer only ever waits for the head.
final class DelayLine<Element: Sendable>: Sendable {
    private struct Entry {
        var deadline: ContinuousClock.Instant
        var bytes: Int
        var element: Element
    }

    private struct State {
        var entries = Deque<Entry>()
        var bytes = 0
        var finished = false
        /// Set when something happened while the consumer was not waiting.
        var kicked = false
        var consumer: CheckedContinuation<Void, Never>?
        var producer: CheckedContinuation<Void, Never>?
        var earlyReleases = 0
    }

    private enum Wait {
        case done
        case kick(until: ContinuousClock.Instant?)
    }

    let limitBytes: Int
    private let state = Mutex(State())

    init(limitBytes: Int) {
        self.limitBytes = max(1, limitBytes)
    }

    var count: Int { state.withLock { $0.entries.count } }
    var bytes: Int { state.withLock { $0.bytes } }
    /// Elements released before their deadline because the line was over its limit.
    var earlyReleases: Int { state.withLock { $0.earlyReleases } }

    /// Adds `element`, then waits while the line holds more than `limitBytes`.
    func append(_ element: Element, bytes: Int, deadline: ContinuousClock.Instant) async {
        let over = state.withLock { s -> Bool in
            s.entries.append(Entry(deadline: deadline, bytes: bytes, element: element))
            s.bytes += bytes
            return s.bytes > limitBytes
        }
        kick()
        guard over else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { s -> Bool in
                guard s.bytes > limitBytes, !s.finished else { return false }
                s.producer = continuation
                return true
            }
            if !wait { continuation.resume() }
        }
    }

    /// The next element whose time has come; nil once finished and empty.
    func next() async -> Element? {
        while true {
            if let element = nextIfDue(where: { _ in true }) { return element }
            // Not due: wait for its deadline, or for a kick (an append, an
            // early release, `finish`) that came since the look above.
            let wait = state.withLock { s -> Wait in
                guard let head = s.entries.first else { return s.finished ? .done : .kick(until: nil) }
                return .kick(until: head.deadline)
            }
            guard case .kick(let deadline) = wait else { return nil }
            await waitForKick(until: deadline)
        }
    }

    /// The head if it may leave now (its time has come, the line is over
    /// its limit, or finished) and `accept`s it; nil otherwise, without
    /// waiting. After `next`, it takes what came due together.
    func nextIfDue(where accept: (Element) -> Bool) -> Element? {
        let now = ContinuousClock.now
        let (element, producer) = state.withLock { s -> (Element?, CheckedContinuation<Void, Never>?) in
            guard let head = s.entries.first, accept(head.element) else { return (nil, nil) }
            let early = s.bytes > limitBytes
            guard s.finished || early || head.deadline <= now else { return (nil, nil) }
            s.entries.removeFirst()
            s.bytes -= head.bytes
            if early, !s.finished { s.earlyReleases += 1 }
            guard s.bytes <= limitBytes else { return (head.element, nil) }
            defer { s.producer = nil }
            return (head.element, s.producer)
        }
        producer?.resume()
        return element
    }

    /// No more appends; everything held is handed out at once.
    func finish() {
        let producer = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.finished = true
            defer { s.producer = nil }
            return s.producer
        }
        producer?.resume()
        kick()
    }

    private func kick() {
        let consumer = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard let consumer = s.consumer else {
                s.kicked = true
                return nil
            }
            s.consumer = nil
            return consumer
        }
        consumer?.resume()
    }

    /// Returns on a kick, or at `deadline` when there is one.
    private func waitForKick(until deadline: ContinuousClock.Instant?) async {
        guard let deadline else { return await waitForKick() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            group.addTask { await self.waitForKick() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForKick() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.kicked || Task.isCancelled {
                        s.kicked = false
                        return true
                    }
                    s.consumer = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let consumer = state.withLock { s -> CheckedContinuation<Void, Never>? in
                defer { s.consumer = nil }
                return s.consumer
            }
            consumer?.resume()
        }
    }
}
