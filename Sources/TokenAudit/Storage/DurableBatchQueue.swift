import DequeModule
import Logging
import Synchronization

/// A `BatchBuffer` on disk: `offer` returns only after the batch is committed
/// to the `DurableStore`, so a receiver's 200 means the data survives the
/// daemon being killed. A batch leaves the store only when `complete` says it
/// was passed on; batches found at start are handed out again first.
///
/// SQLite calls run outside the lock; the lock guards the byte and count
/// reservations, the order of hand-out and the waiting consumer and producers.
///
/// The order of hand-out is kept in memory: the ids found at start, then
/// each id as its row commits. Commits are serialised and ids grow, so this
/// is the order a `SELECT ... ORDER BY id` would give, without asking SQLite
/// for it on every hand-out. Batches appended in this run are also kept in
/// memory (up to `memoryLimitBytes`) until they are handed out, so SQLite
/// is read only for bodies stored before the start or past that limit.
final class DurableBatchQueue: BatchBuffer {
    private struct State {
        var count: Int
        var bytes: Int
        /// Ids stored and not yet handed out, ascending (commit order).
        var unread: Deque<Int64> = []
        /// Acceptance time of every batch stored and not yet completed, by
        /// id (the queue-age gauge reads it after every delivery; asking
        /// SQLite would read every stored body).
        var acceptedAt: [Int64: Int64] = [:]
        /// Stored and not yet handed out, by id; bounded by `memoryLimitBytes`.
        var inMemory: [Int64: TelemetryBatch] = [:]
        var inMemoryBytes = 0
        var finished = false
        var consumer: CheckedContinuation<Void, Never>?
        var producers: [CheckedContinuation<Void, Never>] = []
    }

    let name: String
    let maxCount: Int
    let maxBytes: Int
    /// Bytes of stored batches also kept in memory for the consumer; past
    /// it (a consumer far behind), batches are read back from disk.
    let memoryLimitBytes: Int
    private let store: DurableStore
    private let logger: Logger
    private let state: Mutex<State>

    /// Opens queue `name` in `store`, counting what a previous run left in it.
    init(store: DurableStore, name: String, maxCount: Int, maxBytes: Int, memoryLimitBytes: Int = 32 << 20, logger: Logger) throws {
        self.store = store
        self.name = name
        self.maxCount = max(1, maxCount)
        self.maxBytes = max(1, maxBytes)
        self.memoryLimitBytes = memoryLimitBytes
        self.logger = logger.with(metadata: "queue", "\(name)")
        let (count, bytes) = try store.usage(of: name)
        var initial = State(count: count, bytes: bytes)
        if count > 0 {
            let stored = try store.storedBatches(in: name)
            initial.unread = Deque(stored.map(\.id))
            initial.acceptedAt = Dictionary(stored.map { ($0.id, $0.acceptedAt) }, uniquingKeysWith: { first, _ in first })
        }
        state = Mutex(initial)
        if count > 0 {
            self.logger.notice("resuming batches accepted before the last stop", metadata: ["batches": "\(count)", "bytes": "\(bytes)"])
        }
    }

    var count: Int { state.withLock { $0.count } }
    var bytes: Int { state.withLock { $0.bytes } }
    var oldestAcceptedAt: Int64? { state.withLock { $0.acceptedAt.values.min() } }

    /// Returns once the batch is committed (or refused), suspending while
    /// the connection is busy rather than holding the caller's thread.
    func offer(_ batch: TelemetryBatch) async -> BatchQueue.OfferResult {
        let reserved = reserve(count: 1, bytes: batch.request.readableBytes)
        guard reserved == .accepted else { return reserved }
        return await store([batch]) ? .accepted : .full
    }

    func certainRefusal(ofAtLeast size: Int) -> BatchQueue.OfferResult? {
        state.withLock { s in
            if s.finished { return .closed }
            return wouldOverflow(s, count: 1, bytes: size) ? .full : nil
        }
    }

    /// Waits for room for all of `batches`, then stores them in one commit,
    /// suspending (not blocking a thread of the cooperative pool) while the
    /// connection is busy.
    func push(_ batches: [TelemetryBatch]) async -> Bool {
        guard !batches.isEmpty else { return true }
        let size = batches.reduce(0) { $0 + $1.request.readableBytes }
        while true {
            switch reserve(count: batches.count, bytes: size) {
            case .closed:
                return false
            case .full:
                await waitForRoom(count: batches.count, bytes: size)
            case .accepted:
                if await store(batches) { return true }
                try? await Task.sleep(for: .seconds(1))  // a failing disk is not retried in a tight loop
            }
        }
    }

    /// Stores batches whose room is reserved; on failure gives the room back.
    private func store(_ batches: [TelemetryBatch]) async -> Bool {
        do {
            try await store.append(batches, to: name, committed: batches.map(recorder(for:)))
        } catch {
            state.withLock { s in
                s.count -= batches.count
                s.bytes -= batches.reduce(0) { $0 + $1.request.readableBytes }
            }
            logger.error("could not store batches; refusing them (a sender is told to retry, an exporter retries in 1 s)",
                         metadata: ["error": "\(error)", "batches": "\(batches.count)"])
            return false
        }
        wakeConsumer()
        return true
    }

    /// Whether `count` more batches of `size` bytes in all would pass the bounds.
    private func wouldOverflow(_ s: State, count: Int, bytes size: Int) -> Bool {
        // An empty queue takes anything, so one oversized request cannot wedge it.
        s.count > 0 && (s.count + count > maxCount || s.bytes + size > maxBytes)
    }

    private func reserve(count: Int, bytes size: Int) -> BatchQueue.OfferResult {
        state.withLock { s in
            if s.finished { return .closed }
            if wouldOverflow(s, count: count, bytes: size) { return .full }
            s.count += count
            s.bytes += size
            return .accepted
        }
    }

    /// Runs inside the serialised write once the row is committed, so ids
    /// join `unread` in commit order.
    private func recorder(for batch: TelemetryBatch) -> @Sendable (Int64) -> Void {
        let size = batch.request.readableBytes
        return { [self] id in
            state.withLock { s in
                s.unread.append(id)
                s.acceptedAt[id] = batch.acceptedAtMilliseconds
                guard s.inMemoryBytes + size <= memoryLimitBytes else { return }
                s.inMemory[id] = batch
                s.inMemoryBytes += size
            }
        }
    }

    private func wakeConsumer() {
        let consumer = state.withLock { s -> CheckedContinuation<Void, Never>? in
            defer { s.consumer = nil }
            return s.consumer
        }
        consumer?.resume()
    }

    private func waitForRoom(count: Int, bytes size: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { s -> Bool in
                guard !s.finished, wouldOverflow(s, count: count, bytes: size) else { return false }
                s.producers.append(continuation)
                return true
            }
            if !wait { continuation.resume() }
        }
    }

    func next() async -> QueuedBatch? {
        while true {
            enum Turn { case kept(Int64, TelemetryBatch), stored(Int64), finished, empty }
            let turn = state.withLock { s -> Turn in
                guard let id = s.unread.popFirst() else { return s.finished ? .finished : .empty }
                guard let batch = s.inMemory.removeValue(forKey: id) else { return .stored(id) }
                s.inMemoryBytes -= batch.request.readableBytes
                return .kept(id, batch)
            }
            switch turn {
            case .kept(let id, let batch):
                return QueuedBatch(batch: batch, ticket: id)
            case .stored(let id):
                do {
                    if let batch = try await store.batch(id) { return QueuedBatch(batch: batch, ticket: id) }
                    continue  // the row is gone (nothing removes unread rows; never hand out nothing)
                } catch let missing as DurableStore.MissingBody {
                    logger.error("a stored batch was lost on disk and is dropped", metadata: ["error": "\(missing)"])
                    forget(id, bytes: missing.bytes)
                } catch {
                    // Put back in front, so the batch is tried again in its turn.
                    state.withLock { $0.unread.prepend(id) }
                    logger.error("could not read the queue; retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            case .finished:
                return nil
            case .empty:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    // Checked again under the lock: an append or `finish` since the look above wakes no one.
                    let wait = state.withLock { s -> Bool in
                        guard s.unread.isEmpty, !s.finished else { return false }
                        s.consumer = continuation
                        return true
                    }
                    if !wait { continuation.resume() }
                }
            }
        }
    }

    /// Forgets `queued` in one commit, then makes their room available.
    func complete(_ queued: [QueuedBatch]) async {
        let done = queued.filter { $0.ticket != nil }
        guard !done.isEmpty else { return }
        do {
            try await store.remove(done.compactMap(\.ticket))
        } catch {
            logger.error("could not remove delivered batches; they may be delivered again after a restart",
                         metadata: ["error": "\(error)", "batches": "\(done.count)"])
        }
        for one in done {
            if let ticket = one.ticket { forget(ticket, bytes: one.batch.request.readableBytes) }
        }
    }

    /// Gives back the room of batch `id`, no longer stored, and wakes producers waiting for room.
    private func forget(_ id: Int64, bytes size: Int) {
        let producers = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.acceptedAt[id] = nil
            s.count -= 1
            s.bytes -= size
            defer { s.producers.removeAll() }
            return s.producers
        }
        for producer in producers { producer.resume() }
    }

    func finish() {
        let (consumer, producers) = state.withLock { s -> (CheckedContinuation<Void, Never>?, [CheckedContinuation<Void, Never>]) in
            s.finished = true
            defer {
                s.consumer = nil
                s.producers.removeAll()
            }
            return (s.consumer, s.producers)
        }
        consumer?.resume()
        for producer in producers { producer.resume() }
    }
}
