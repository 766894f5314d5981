public import Logging
public import ServiceLifecycle
import Metrics
import NIOCore
import Synchronization

/// Receivers → processors → exporters for one signal, with a bounded queue in
/// front so that receivers never wait: a full queue is refused (503 /
/// UNAVAILABLE) and the sender keeps its data.
///
/// Requests leave in arrival order. A holding processor's `prepare` runs for
/// up to `preparers` requests at once; everything else runs one request at
/// a time.
public final class Pipeline: Service {
    public enum Admission: Equatable, Sendable {
        case accepted
        /// The queue is full: retry later.
        case full
        /// The pipeline is shutting down.
        case closed
        /// A guard (the memory limiter) refuses data for now: retry later.
        case refused(String)
    }

    public let id: ComponentID
    public let signal: Signal
    let queue: any BatchBuffer
    let processors: [any TelemetryProcessor]
    /// The processors that may refuse data at admission (the memory limiter),
    /// found once rather than cast on every request.
    private let admissionGuards: [any AdmissionGuard]
    let exporters: [any TelemetryExporter]
    /// Requests a holding processor prepares at once (one per core by default).
    let preparers: Int
    private let logger: Logger
    private let refusedCounter: Counter
    private let acceptedCounter: Counter
    private let gauges: QueueGauges
    /// The delay line while `run` holds requests (for health and metrics).
    private let heldRequests = Mutex<DelayLine<ParkedBatch>?>(nil)

    init(
        id: ComponentID, signal: Signal, queue: any BatchBuffer,
        processors: [any TelemetryProcessor], exporters: [any TelemetryExporter], preparers: Int = System.coreCount, logger: Logger
    ) {
        self.id = id
        self.preparers = max(1, preparers)
        self.signal = signal
        self.queue = queue
        self.processors = processors
        self.admissionGuards = processors.compactMap { $0 as? any AdmissionGuard }
        self.exporters = exporters
        var logger = logger
        logger[metadataKey: "pipeline"] = "\(id)"
        self.logger = logger
        refusedCounter = Counter(label: "tokenaudit_receiver_refused_items_total", dimensions: [("pipeline", id.description)])
        acceptedCounter = Counter(label: "tokenaudit_receiver_accepted_items_total", dimensions: [("pipeline", id.description)])
        gauges = QueueGauges(queue: "pipeline/\(id)")
    }

    /// A pipeline with an in-memory queue, for embedding a pipeline in code
    /// (benchmarks): the daemon builds its own from the config. `preparers`
    /// defaults to one per core.
    public convenience init(
        id: ComponentID, signal: Signal, processors: [any TelemetryProcessor], exporters: [any TelemetryExporter],
        preparers: Int? = nil, queueBatches: Int = 64, queueBytes: Int = 256 << 20, logger: Logger
    ) {
        self.init(id: id, signal: signal, queue: BatchQueue(maxCount: queueBatches, maxBytes: queueBytes),
                  processors: processors, exporters: exporters, preparers: preparers ?? System.coreCount, logger: logger)
    }

    /// Requests waiting to be processed.
    public var queuedRequests: Int { queue.count }
    public var depth: QueueDepth { queue.depth }

    /// Takes `batch` if there is room, without waiting for room (receivers).
    /// With a durable queue it returns once the batch is stored, suspending
    /// meanwhile: a receiver's task never holds a thread while SQLite works.
    public func accept(_ batch: TelemetryBatch) async -> Admission {
        if let reason = guardRefusal {
            refusedCounter.increment(by: batch.itemCount)
            return .refused(reason)
        }
        switch await queue.offer(batch) {
        case .accepted:
            acceptedCounter.increment(by: batch.itemCount)
            return .accepted
        case .full:
            refusedCounter.increment(by: batch.itemCount)
            return .full
        case .closed:
            refusedCounter.increment(by: batch.itemCount)
            return .closed
        }
    }

    /// What `accept` would answer any request of at least `bytes` bytes,
    /// when that is already certain: a guard refuses, the queue is full or
    /// closed. Nil: the request may be taken, so decode it and `accept`.
    /// Under overload this lets a refusal cost no decoding; the receiver
    /// then reports the refused items with `countRefused`.
    public func certainRefusal(ofAtLeast bytes: Int) -> Admission? {
        if let reason = guardRefusal { return .refused(reason) }
        switch queue.certainRefusal(ofAtLeast: bytes) {
        case .closed?: return .closed
        case .full?: return .full
        case .accepted?, nil: return nil
        }
    }

    /// Why a guard (the memory limiter) refuses data now, nil when none does.
    private var guardRefusal: String? { admissionGuards.lazy.compactMap(\.refusal).first }

    /// Counts `items` refused without `accept` (`certainRefusal`).
    public func countRefused(_ items: Int) {
        refusedCounter.increment(by: items)
    }

    /// Takes `batch`, waiting for room (offline replay). False once closed.
    public func submit(_ batch: TelemetryBatch) async -> Bool {
        let accepted = await queue.push(batch)
        if accepted { acceptedCounter.increment(by: batch.itemCount) }
        return accepted
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            switch holdPoint() {
            case let hold? where hold.wait > .zero: await runHolding(hold)
            case let hold?: await runInOrder(preparing: (hold.index, hold.processor))
            case nil: await runInOrder(preparing: nil)
            }
            logger.debug("pipeline drained")
        } onGracefulShutdown: {
            // Receivers have stopped by now (services stop in reverse order);
            // what is queued or held is still processed before run() returns.
            self.queue.finish()
        }
    }

    /// Requests are processed one at a time in arrival order, as they come;
    /// delivery (durable exporters' queues store each request, this queue
    /// then forgets it) runs beside processing, also in order, so processing
    /// never waits for the disk. At most `deliveryDepth` processed requests
    /// wait for delivery; those waiting together are handed to the exporters
    /// and completed as a group (up to `groupBytes`), so a durable queue
    /// commits once for the group instead of once per request. Requests keep
    /// their bytes: a group is several requests, never a merged one.
    ///
    /// `preparing`: a holding processor that holds for no time. Its
    /// `prepare` (extraction) then runs for up to `preparers` requests at
    /// once, ahead of the one being processed; `hold` and `release` follow
    /// each other in arrival order, so every request is judged before the
    /// next one is seen, exactly as its `process` would do it.
    private func runInOrder(preparing holder: (index: Int, processor: any HoldingProcessor)?) async {
        let processed = ReorderBuffer<(QueuedBatch, TelemetryBatch)>(limit: Self.deliveryDepth)
        await withDiscardingTaskGroup { group in
            group.addTask {
                while let first = await processed.next() {
                    let waiting = Self.group(first, bytes: { $0.1.request.readableBytes }, then: processed.nextIfReady(where:))
                    await self.deliver(waiting.map(\.1), completing: waiting.map(\.0))
                }
            }
            guard let holder else {
                while let queued = await queue.next() {
                    let sequence = await processed.reserve()
                    processed.put((queued, await process(queued.batch, through: processors[...])), at: sequence)
                }
                processed.finish()
                return
            }
            let prepared = ReorderBuffer<(QueuedBatch, PreparedBatch)>(limit: preparers)
            group.addTask {
                while let (queued, ready) = await prepared.next() {
                    let sequence = await processed.reserve()
                    let judged = ready.hold().release()
                    processed.put((queued, await self.process(judged, through: self.processors[(holder.index + 1)...])), at: sequence)
                }
                processed.finish()
            }
            while let queued = await queue.next() {
                let sequence = await prepared.reserve()
                group.addTask {
                    let batch = await self.process(queued.batch, through: self.processors[..<holder.index])
                    prepared.put((queued, holder.processor.prepare(batch)), at: sequence)
                }
            }
            prepared.finish()
        }
    }

    /// `first` and what `next` hands out after it without waiting, while
    /// the group stays within `groupBytes`: requests delivered together.
    private static func group<Element>(
        _ first: Element, bytes: @escaping (Element) -> Int, then next: ((Element) -> Bool) -> Element?
    ) -> [Element] {
        var group = [first]
        var total = bytes(first)
        while let more = next({ total + bytes($0) <= groupBytes }) {
            group.append(more)
            total += bytes(more)
        }
        return group
    }

    /// Processed requests waiting for delivery, at most (`runInOrder`).
    static let deliveryDepth = 16
    /// Requests delivered as one group, at most this many bytes together:
    /// grouping pays off for small requests; large ones go one by one.
    static let groupBytes = 1 << 20

    /// The first processor that holds this pipeline's requests, and for how long.
    private func holdPoint() -> (index: Int, processor: any HoldingProcessor, wait: Duration)? {
        for (index, processor) in processors.enumerated() {
            if let holder = processor as? any HoldingProcessor, let wait = holder.holdDuration(for: signal) {
                return (index, holder, wait)
            }
        }
        return nil
    }

    /// Intake prepares up to `preparers` requests at once (the processors up
    /// to the holding one, then its `prepare`: extraction, on every core),
    /// a holder takes them in arrival order (`hold`: detection, whose
    /// history must grow in that order) and parks each in a `DelayLine`;
    /// release takes them out when their time comes and runs the rest. Queue
    /// completions stay in arrival order, so a durable queue forgets a
    /// request only once every exporter holds it.
    private func runHolding(_ hold: (index: Int, processor: any HoldingProcessor, wait: Duration)) async {
        let line = DelayLine<ParkedBatch>(limitBytes: hold.processor.holdLimitBytes)
        heldRequests.withLock { $0 = line }
        let prepared = ReorderBuffer<(QueuedBatch, PreparedBatch)>(limit: preparers)
        await withDiscardingTaskGroup { group in
            group.addTask {
                // What comes due together is released in order and delivered
                // as one group, as `runInOrder` does (one commit per group).
                while let first = await line.next() {
                    let parked = Self.group(first, bytes: { $0.deferred.bytes }, then: line.nextIfDue(where:))
                    var processed: [TelemetryBatch] = []
                    processed.reserveCapacity(parked.count)
                    for one in parked {
                        processed.append(await self.process(one.deferred.release(), through: self.processors[(hold.index + 1)...]))
                    }
                    await self.deliver(processed, completing: parked.map(\.queued))
                }
            }
            group.addTask {
                while let (queued, ready) = await prepared.next() {
                    let deferred = ready.hold()
                    await line.append(ParkedBatch(queued: queued, deferred: deferred), bytes: deferred.bytes, deadline: .now + hold.wait)
                }
                line.finish()
            }
            while let queued = await queue.next() {
                let sequence = await prepared.reserve()
                group.addTask {
                    let batch = await self.process(queued.batch, through: self.processors[..<hold.index])
                    prepared.put((queued, hold.processor.prepare(batch)), at: sequence)
                }
            }
            prepared.finish()
        }
    }

    private func process(_ batch: TelemetryBatch, through stages: ArraySlice<any TelemetryProcessor>) async -> TelemetryBatch {
        var processed = batch
        for processor in stages {
            processed = await processor.process(processed)
        }
        return processed
    }

    private func deliver(_ processed: [TelemetryBatch], completing queued: [QueuedBatch]) async {
        for exporter in exporters where await !exporter.export(processed) {
            logger.error("exporter already stopped; batches not delivered to it", metadata: [
                "exporter": "\(exporter.id)", "items": "\(processed.reduce(0) { $0 + $1.itemCount })",
            ])
        }
        // Every exporter holds it now (durably, when queues are durable).
        await queue.complete(queued)
        gauges.record(queue.depth)
    }

    /// Requests parked while their traces assemble (0 when nothing holds).
    public var heldRequestCount: Int { heldRequests.withLock { $0?.count ?? 0 } }
    public var heldBytes: Int { heldRequests.withLock { $0?.bytes ?? 0 } }
}

/// A request in a pipeline's delay line, with the queue entry it completes.
struct ParkedBatch: Sendable {
    var queued: QueuedBatch
    var deferred: DeferredBatch
}
