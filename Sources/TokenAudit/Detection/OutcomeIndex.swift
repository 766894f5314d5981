import Synchronization

/// Outcomes reported for calls (`POST /api/v1/outcomes`): what was produced
/// (a commit, a merged PR, a closed ticket, an accepted answer), linked by
/// trace id, response id or conversation id. Bounded: past `capacity` keys
/// the oldest half is forgotten.
public final class OutcomeIndex: Sendable {
    public enum Link: Sendable, Hashable {
        case trace([UInt8])
        case response(String)
        case conversation(String)

        var key: UInt64 {
            switch self {
            case .trace(let id): WireIDKey.of(id)
            case .response(let id): Self.key(Self.responseSeed, id)
            case .conversation(let id): Self.key(Self.conversationSeed, id)
            }
        }

        /// `StableHash.of(kind + "\u{1F}" + id)`, without building the string
        /// (computed for every call that carries a response or conversation id),
        /// from the hash of the kind and separator, made once per kind.
        private static func key(_ seed: StableHash, _ id: String) -> UInt64 {
            var hash = seed
            hash.add(id)
            return hash.value
        }

        private static let responseSeed = seed(kind: "response")
        private static let conversationSeed = seed(kind: "conversation")

        private static func seed(kind: StaticString) -> StableHash {
            var hash = StableHash()
            kind.withUTF8Buffer { hash.add(bytes: UnsafeRawBufferPointer($0)) }
            hash.add(bytes: CollectionOfOne(0x1F))
            return hash
        }
    }

    public struct Outcome: Sendable, Equatable {
        public var kind: String
        /// When it happened (Unix nanoseconds).
        public var timeUnixNano: UInt64
    }

    private struct State {
        var outcomes: [UInt64: Outcome] = [:]
        var order: [UInt64] = []
        var recorded = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 200_000) {
        self.capacity = max(2, capacity)
    }

    public func record(_ outcome: Outcome, for link: Link) {
        state.withLock { s in
            let key = link.key
            if s.outcomes.updateValue(outcome, forKey: key) == nil { s.order.append(key) }
            s.recorded += 1
            if s.order.count > capacity {
                let drop = s.order.count / 2
                for old in s.order[..<drop] { s.outcomes[old] = nil }
                s.order.removeFirst(drop)
            }
        }
    }

    func outcome(_ key: UInt64) -> Outcome? {
        state.withLock { $0.outcomes[key] }
    }

    /// The outcome of the first key that has one, under one lock (every
    /// judged call asks, and most deployments post no outcomes at all).
    func firstOutcome(_ trace: UInt64, _ response: UInt64?, _ conversation: UInt64?) -> Outcome? {
        state.withLock { s in
            guard !s.outcomes.isEmpty else { return nil }
            return s.outcomes[trace] ?? response.flatMap { s.outcomes[$0] } ?? conversation.flatMap { s.outcomes[$0] }
        }
    }

    public var recorded: Int { state.withLock { $0.recorded } }
}
