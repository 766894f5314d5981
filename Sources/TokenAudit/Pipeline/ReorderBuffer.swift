import Synchronization

/// Results of work started in sequence and finished in any order, handed to
/// one consumer in sequence.
///
/// A producer takes a sequence number with `reserve` (which waits while
/// `limit` results are started and not yet taken, bounding how far work runs
/// ahead), starts the work, and the work `put`s its result under that
/// number. `next` returns results in sequence order, and nil once `finish`
/// was called and every reserved number has been taken.
final class ReorderBuffer<Element: Sendable>: Sendable {
    private struct State {
        var ready: [Int: Element] = [:]
        /// The sequence number `next` returns next.
        var nextOut = 0
        /// Sequence numbers reserved so far.
        var reserved = 0
        var finished = false
        var consumer: CheckedContinuation<Element?, Never>?
        var producer: CheckedContinuation<Void, Never>?
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// The next sequence number, once fewer than `limit` are outstanding. One producer.
    func reserve() async -> Int {
        while true {
            let sequence = state.withLock { s -> Int? in
                guard s.reserved - s.nextOut < limit else { return nil }
                defer { s.reserved += 1 }
                return s.reserved
            }
            if let sequence { return sequence }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let wait = state.withLock { s -> Bool in
                    guard s.reserved - s.nextOut >= limit else { return false }
                    s.producer = continuation
                    return true
                }
                if !wait { continuation.resume() }
            }
        }
    }

    /// The result for `sequence` (reserved earlier; once per number).
    func put(_ element: Element, at sequence: Int) {
        let (consumer, producer) = state.withLock { s -> (CheckedContinuation<Element?, Never>?, CheckedContinuation<Void, Never>?) in
            guard sequence == s.nextOut, let consumer = s.consumer else {
                s.ready[sequence] = element
                return (nil, nil)
            }
            s.consumer = nil
            s.nextOut += 1
            defer { s.producer = nil }
            return (consumer, s.producer)
        }
        consumer?.resume(returning: element)
        producer?.resume()
    }

    /// No more `reserve`; results still outstanding are handed out.
    func finish() {
        let consumer = state.withLock { s -> CheckedContinuation<Element?, Never>? in
            s.finished = true
            guard s.nextOut == s.reserved else { return nil }
            defer { s.consumer = nil }
            return s.consumer
        }
        consumer?.resume(returning: nil)
    }

    /// The next result in sequence order if it is ready and `accept`s it,
    /// without waiting; nil otherwise (it stays next). The consumer's.
    func nextIfReady(where accept: (Element) -> Bool) -> Element? {
        let (element, producer) = state.withLock { s -> (Element?, CheckedContinuation<Void, Never>?) in
            guard let element = s.ready[s.nextOut], accept(element) else { return (nil, nil) }
            s.ready[s.nextOut] = nil
            s.nextOut += 1
            defer { s.producer = nil }
            return (element, s.producer)
        }
        producer?.resume()
        return element
    }

    /// The next result in sequence order; nil when finished and all are taken. One consumer.
    func next() async -> Element? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
            let (element, end, producer) = state.withLock { s -> (Element?, Bool, CheckedContinuation<Void, Never>?) in
                if let element = s.ready.removeValue(forKey: s.nextOut) {
                    s.nextOut += 1
                    defer { s.producer = nil }
                    return (element, false, s.producer)
                }
                if s.finished && s.nextOut == s.reserved { return (nil, true, nil) }
                s.consumer = continuation
                return (nil, false, nil)
            }
            if let element {
                continuation.resume(returning: element)
                producer?.resume()
            } else if end {
                continuation.resume(returning: nil)
            }
        }
    }
}
