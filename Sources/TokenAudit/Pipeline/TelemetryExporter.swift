public import ServiceLifecycle

/// The end of a pipeline. An exporter is a `Service`: its `run()` sends what
/// `export` queued, and on graceful shutdown it drains that queue before
/// returning, so nothing accepted is lost at exit.
public protocol TelemetryExporter: Service {
    var id: ComponentID { get }
    /// Hands `batches` to the exporter in order, waiting while its queue is
    /// full; a durable queue stores them in one commit. Returns false only
    /// when the exporter has already shut down (some may have been taken).
    func export(_ batches: [TelemetryBatch]) async -> Bool
    var stats: ExporterStats { get }
    /// What waits in the exporter's queue.
    var depth: QueueDepth { get }
}

extension TelemetryExporter {
    /// `export` for one batch.
    public func export(_ batch: TelemetryBatch) async -> Bool {
        await export([batch])
    }
}
