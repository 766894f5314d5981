import DequeModule
import Synchronization

/// A bounded FIFO of batches between pipeline stages, bounded both in count
/// and in bytes so that memory stays predictable under load.
///
/// Producers either `offer` (never waits: a full queue is refused, so a
/// receiver can answer 503 and the sender keeps the data) or `push` (waits
/// for room: backpressure from an exporter to its pipeline). One consumer
/// calls `next()`. After `finish()`, offers are refused, but everything
/// already queued is still handed out: shutdown drains, it never drops.
final class BatchQueue: Sendable {
    enum OfferResult: Equatable {
        case accepted, full, closed
    }

    private struct State {
        var items = Deque<TelemetryBatch>()
        var bytes = 0
        var finished = false
        var consumer: CheckedContinuation<TelemetryBatch?, Never>?
        var producers: [CheckedContinuation<Void, Never>] = []
    }

    let maxCount: Int
    let maxBytes: Int
    private let state = Mutex(State())

    init(maxCount: Int, maxBytes: Int) {
        self.maxCount = max(1, maxCount)
        self.maxBytes = max(1, maxBytes)
    }

    var count: Int { state.withLock { $0.items.count } }
    var oldestQueued: Int64? { state.withLock { $0.items.first?.acceptedAtMilliseconds } }
    var bytes: Int { state.withLock { $0.bytes } }
    /// Producers suspended in `push`, and whether the consumer is suspended in `next`.
    var waiters: (producers: Int, consumer: Bool) { state.withLock { ($0.producers.count, $0.consumer != nil) } }

    /// Enqueues without waiting. An empty queue takes any batch, however
    /// large, so one request bigger than `maxBytes` cannot wedge it.
    func offer(_ batch: TelemetryBatch) -> OfferResult {
        let (result, consumer) = state.withLock { s -> (OfferResult, CheckedContinuation<TelemetryBatch?, Never>?) in
            if s.finished { return (.closed, nil) }
            if let consumer = s.consumer {
                s.consumer = nil
                return (.accepted, consumer)
            }
            let size = batch.request.readableBytes
            guard takes(s, size: size) else { return (.full, nil) }
            s.items.append(batch)
            s.bytes += size
            return (.accepted, nil)
        }
        consumer?.resume(returning: batch)
        return result
    }

    func certainRefusal(ofAtLeast size: Int) -> OfferResult? {
        state.withLock { s in
            if s.finished { return .closed }
            return takes(s, size: size) ? nil : .full
        }
    }

    /// Returns once a batch of `size` bytes might fit, or the queue finished
    /// (`push` then offers again).
    func waitForRoom(bytes size: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { s -> Bool in
                // Room may have appeared since `offer` looked.
                guard !s.finished, !takes(s, size: size) else { return false }
                s.producers.append(continuation)
                return true
            }
            if !wait { continuation.resume() }
        }
    }

    /// Whether a batch of `size` bytes fits now. An empty queue takes any
    /// batch (so does one whose consumer waits: it is empty).
    private func takes(_ s: State, size: Int) -> Bool {
        s.items.isEmpty || (s.items.count < maxCount && s.bytes + size <= maxBytes)
    }

    /// What the consumer does next, decided under the lock.
    private enum Take {
        case batch(TelemetryBatch, wakeProducer: CheckedContinuation<Void, Never>?)
        case end
        case wait
    }

    private func take(_ s: inout State) -> Take {
        if let batch = s.items.popFirst() {
            s.bytes -= batch.request.readableBytes
            return .batch(batch, wakeProducer: s.producers.isEmpty ? nil : s.producers.removeFirst())
        }
        return s.finished ? .end : .wait
    }

    /// The next batch, waiting for one; nil once finished and drained.
    /// Single consumer only.
    func nextBatch() async -> TelemetryBatch? {
        if case .batch(let batch, let producer) = state.withLock({ take(&$0) }) {
            producer?.resume()
            return batch
        }
        return await withCheckedContinuation { continuation in
            let step = state.withLock { s -> Take in
                let step = take(&s)
                if case .wait = step { s.consumer = continuation }
                return step
            }
            switch step {
            case .batch(let batch, let producer):
                producer?.resume()
                continuation.resume(returning: batch)
            case .end:
                continuation.resume(returning: nil)
            case .wait:
                break  // `offer` or `finish` resumes it
            }
        }
    }

    /// Refuses new batches and wakes every waiter; queued batches stay
    /// available to `next()`.
    func finish() {
        let (consumer, producers) = state.withLock { s -> (CheckedContinuation<TelemetryBatch?, Never>?, [CheckedContinuation<Void, Never>]) in
            s.finished = true
            let consumer = s.items.isEmpty ? s.consumer : nil
            if consumer != nil { s.consumer = nil }
            let producers = s.producers
            s.producers.removeAll()
            return (consumer, producers)
        }
        consumer?.resume(returning: nil)
        for producer in producers { producer.resume() }
    }
}
