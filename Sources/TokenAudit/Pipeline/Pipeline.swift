public import Logging
public import ServiceLifecycle
import Metrics

/// Receivers → processors → exporters for one signal, with a bounded queue in
/// front so that receivers never wait: a full queue is refused (503 /
/// UNAVAILABLE) and the sender keeps its data.
///
/// One consumer task per pipeline keeps requests in arrival order.
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
    private let logger: Logger
    private let refusedCounter: Counter
    private let acceptedCounter: Counter
    private let gauges: QueueGauges

    init(
        id: ComponentID, signal: Signal, queue: any BatchBuffer,
        processors: [any TelemetryProcessor], exporters: [any TelemetryExporter], logger: Logger
    ) {
        self.id = id
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

    /// Requests waiting to be processed.
    public var queuedRequests: Int { queue.count }
    public var depth: QueueDepth { queue.depth }

    /// Takes `batch` if there is room, without waiting (receivers).
    public func accept(_ batch: TelemetryBatch) -> Admission {
        for guardian in admissionGuards {
            if let reason = guardian.refusal {
                refusedCounter.increment(by: batch.itemCount)
                return .refused(reason)
            }
        }
        switch queue.offer(batch) {
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

    /// Takes `batch`, waiting for room (offline replay). False once closed.
    public func submit(_ batch: TelemetryBatch) async -> Bool {
        let accepted = await queue.push(batch)
        if accepted { acceptedCounter.increment(by: batch.itemCount) }
        return accepted
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while let queued = await queue.next() {
                var processed = queued.batch
                for processor in processors {
                    processed = await processor.process(processed)
                }
                for exporter in exporters where await !exporter.export(processed) {
                    logger.error("exporter already stopped; batch not delivered to it", metadata: [
                        "exporter": "\(exporter.id)", "items": "\(processed.itemCount)",
                    ])
                }
                // Every exporter holds it now (durably, when queues are durable).
                queue.complete(queued)
                gauges.record(queue.depth)
            }
            logger.debug("pipeline drained")
        } onGracefulShutdown: {
            // Receivers have stopped by now (services stop in reverse order);
            // what is queued is still processed before run() returns.
            self.queue.finish()
        }
    }
}
