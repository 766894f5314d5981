import DequeModule
import Synchronization

/// Content that arrived on its own, waiting for its span: GenAI semconv
/// 1.28-1.36 instrumentations send messages as log records (`gen_ai.user.
/// message`, `gen_ai.choice`, ...) that usually arrive before the span they
/// belong to. Only digests are held (hashes and counts, never text), bounded
/// in number; the oldest are dropped first.
final class ContentIndex: Sendable {
    struct Key: Hashable, Sendable {
        var traceID: WireID
        var spanID: WireID
    }

    private struct State {
        var digests: [Key: PromptDigest] = [:]
        var order = Deque<Key>()
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    var count: Int { state.withLock { $0.digests.count } }

    /// Lock-free fast path: most deployments never send content as logs.
    var isEmpty: Bool { size.load(ordering: .relaxed) == 0 }
    private let size = Atomic<Int>(0)

    /// Adds `digest` to what is known for the span (messages in arrival order).
    func add(_ digest: PromptDigest, for key: Key) {
        guard !digest.isEmpty else { return }
        state.withLock { s in
            if s.digests[key] == nil {
                // `order` may still name keys already taken: evicting one of
                // those is a no-op, and `order` never exceeds `capacity`.
                s.order.append(key)
                if s.order.count > capacity, let oldest = s.order.popFirst() { s.digests[oldest] = nil }
                s.digests[key] = digest
                size.store(s.digests.count, ordering: .relaxed)
            } else {
                s.digests[key]?.merge(digest)
            }
        }
    }

    /// The content recorded for the span, removed from the index.
    func take(_ key: Key) -> PromptDigest? {
        state.withLock { s in
            let digest = s.digests.removeValue(forKey: key)
            size.store(s.digests.count, ordering: .relaxed)
            return digest
        }
    }
}
