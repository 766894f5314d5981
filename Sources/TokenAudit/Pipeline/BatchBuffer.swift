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
    /// `.full` or `.closed` when an `offer` of any batch of at least `size`
    /// bytes would be refused now; nil when it might be taken. Lets a
    /// receiver refuse before it spends time decoding the request.
    func certainRefusal(ofAtLeast size: Int) -> BatchQueue.OfferResult?
    /// Enqueues `batches` in order, waiting while the buffer is full (one
    /// commit when durable). Returns false when the buffer was finished
    /// (then none, or for a memory buffer only the first few, were taken).
    func push(_ batches: [TelemetryBatch]) async -> Bool
    func next() async -> QueuedBatch?
    /// Reports batches handed out by `next` as passed on (one commit when durable).
    func complete(_ queued: [QueuedBatch]) async
    func finish()
    var count: Int { get }
    var bytes: Int { get }
    /// When the oldest batch still held was accepted (Unix ms), nil when empty.
    var oldestAcceptedAt: Int64? { get }
}

extension BatchBuffer {
    func push(_ batch: TelemetryBatch) async -> Bool {
        await push([batch])
    }

    func complete(_ queued: QueuedBatch) async {
        await complete([queued])
    }
}

extension BatchQueue: BatchBuffer {
    func next() async -> QueuedBatch? {
        await nextBatch().map { QueuedBatch(batch: $0, ticket: nil) }
    }

    /// One batch after the other, each offered until it fits.
    func push(_ batches: [TelemetryBatch]) async -> Bool {
        for batch in batches {
            offering: while true {
                switch offer(batch) {
                case .accepted: break offering
                case .closed: return false
                case .full: await waitForRoom(bytes: batch.request.readableBytes)
                }
            }
        }
        return true
    }

    /// In memory, a batch is gone once handed out.
    func complete(_ queued: [QueuedBatch]) {}

    var oldestAcceptedAt: Int64? { oldestQueued }
}
