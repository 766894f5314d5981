import Logging
import NIOCore
import NIOPosix
import OTLPWire
import ServiceLifecycle

/// The `file` exporter: each request as one line of OTLP/JSON, like the
/// Collector's file exporter, so the output can be replayed or inspected with
/// ordinary tools.
public final class FileExporter: TelemetryExporter {
    public let id: ComponentID
    public let config: FileExporterConfig
    public let stats: ExporterStats
    private let gauges: QueueGauges
    public var depth: QueueDepth { queue.depth }
    private let queue: any BatchBuffer
    private let logger: Logger

    /// Buffer bounds when the daemon does not supply a (durable) queue.
    static let defaultQueueCount = 64
    static let defaultQueueBytes = 128 << 20

    init(id: ComponentID, config: FileExporterConfig, queue: any BatchBuffer, logger: Logger) {
        self.id = id
        self.queue = queue
        self.config = config
        self.stats = ExporterStats(exporter: id)
        self.gauges = QueueGauges(queue: "exporter/\(id)")
        self.logger = logger.with(metadata: "exporter", "\(id)")
    }

    public func export(_ batches: [TelemetryBatch]) async -> Bool {
        await queue.push(batches)
    }

    public func run() async throws {
        let writer = try await NIOThreadPool.singleton.runIfActive { [config] in
            try RotatingFileWriter(path: config.path, maxBytes: config.maxMegabytes << 20, maxBackups: config.maxBackups)
        }
        logger.info("writing OTLP/JSON", metadata: ["path": "\(config.path)"])
        await withGracefulShutdownHandler {
            while let queued = await queue.next() {
                let batch = queued.batch
                var line = batch.request.withUnsafeReadableBytes { OTLPJSONEncoder.json(fromProtobuf: $0, as: batch.signal.requestSchema) }
                line.append(UInt8(ascii: "\n"))
                let bytes = line
                do {
                    try await NIOThreadPool.singleton.runIfActive { try writer.write(bytes) }
                    stats.recordSent(batch.itemCount)
                } catch {
                    stats.recordFailed(batch.itemCount)
                    logger.error("could not write batch; dropped", metadata: ["error": "\(error)", "items": "\(batch.itemCount)"])
                }
                await queue.complete(queued)
                gauges.record(queue.depth)
            }
        } onGracefulShutdown: {
            self.queue.finish()
        }
        try? await NIOThreadPool.singleton.runIfActive { writer.close() }
    }
}
