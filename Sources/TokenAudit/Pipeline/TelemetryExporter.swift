public import ServiceLifecycle

/// The end of a pipeline. An exporter is a `Service`: its `run()` sends what
/// `export` queued, and on graceful shutdown it drains that queue before
/// returning, so nothing accepted is lost at exit.
public protocol TelemetryExporter: Service {
    var id: ComponentID { get }
    /// Hands `batch` to the exporter, waiting while its queue is full. Returns
    /// false only when the exporter has already shut down.
    func export(_ batch: TelemetryBatch) async -> Bool
    /// `export` for several batches in order; a durable queue stores them in
    /// one commit. False when the exporter has shut down (some may be taken).
    func export(_ batches: [TelemetryBatch]) async -> Bool
    var stats: ExporterStats { get }
    /// What waits in the exporter's queue.
    var depth: QueueDepth { get }
}

extension TelemetryExporter {
    public func export(_ batches: [TelemetryBatch]) async -> Bool {
        for batch in batches where await !export(batch) { return false }
        return true
    }
}
