/// A batch handed out by a `BatchBuffer`; give it back to `complete` once it
/// has been passed on, so a durable buffer can forget it.
struct QueuedBatch: Sendable {
    var batch: TelemetryBatch
    /// The durable row, when the buffer keeps one.
    var ticket: Int64?
}

/// The bounded queue in front of a pipeline or an exporter: in memory
/// (`BatchQueue`) or on disk (`DurableBatchQueue`).
///
/// Producers `offer` (never waits for room: a full buffer is refused so a
/// receiver can answer 503; a durable one suspends while it stores the
/// batch) or `push` (waits for room). One consumer takes batches with
/// `next()` and reports each done with `complete`. After `finish()`, offers
/// are refused but everything queued is still handed out.
protocol BatchBuffer: Sendable {
    func offer(_ batch: TelemetryBatch) async -> BatchQueue.OfferResult
    /// Returns once a batch of `size` bytes might fit, or the buffer finished.
    func waitForRoom(bytes size: Int) async
    /// Enqueues, waiting while the buffer is full. Returns false when the
    /// buffer was finished (the batch was not taken).
    func push(_ batch: TelemetryBatch) async -> Bool
    /// `push` for several batches, in order (one commit when durable).
    func push(_ batches: [TelemetryBatch]) async -> Bool
    func next() async -> QueuedBatch?
    func complete(_ queued: QueuedBatch) async
    /// `complete` for several batches at once (one commit when durable).
    func complete(_ queued: [QueuedBatch]) async
    func finish()
    var count: Int { get }
    var bytes: Int { get }
    /// When the oldest batch still held was accepted (Unix ms), nil when empty.
    var oldestAcceptedAt: Int64? { get }
}

extension BatchBuffer {
    func complete(_ queued: [QueuedBatch]) async {
        for one in queued { await complete(one) }
    }

    func push(_ batches: [TelemetryBatch]) async -> Bool {
        for batch in batches where await !push(batch) { return false }
        return true
    }

    /// `push` for buffers whose `offer` only takes or refuses (memory).
    func push(_ batch: TelemetryBatch) async -> Bool {
        while true {
            switch await offer(batch) {
            case .accepted: return true
            case .closed: return false
            case .full: await waitForRoom(bytes: batch.request.readableBytes)
            }
        }
    }
}

extension BatchQueue: BatchBuffer {
    func next() async -> QueuedBatch? {
        await nextBatch().map { QueuedBatch(batch: $0, ticket: nil) }
    }

    /// In memory, a batch is gone once handed out.
    func complete(_ queued: QueuedBatch) {}

    var oldestAcceptedAt: Int64? { oldestQueued }
}
