import AsyncHTTPClient
import CompressNIO
import Logging
import NIOCore
import NIOHTTP1
import OTLPWire
import ServiceLifecycle

/// The `otlp_http` exporter: POSTs each batch as OTLP/HTTP protobuf to the
/// configured backend, behind a bounded in-memory queue, retrying by
/// `ExportRetryPolicy`.
public final class OTLPHTTPExporter: TelemetryExporter {
    public let id: ComponentID
    public let config: OTLPHTTPExporterConfig
    public let stats: ExporterStats
    private let gauges: QueueGauges
    public var depth: QueueDepth { queue.depth }
    private let queue: any BatchBuffer
    private let client: HTTPClient
    private let delivery: ExportDelivery
    private let logger: Logger

    init(id: ComponentID, config: OTLPHTTPExporterConfig, queue: any BatchBuffer, logger: Logger) throws {
        self.id = id
        self.config = config
        self.stats = ExporterStats(exporter: id)
        self.gauges = QueueGauges(queue: "exporter/\(id)")
        self.queue = queue
        var configuration = HTTPClient.Configuration()
        if let tls = config.tls { configuration.tlsConfiguration = try TLSMaterial(client: tls).configuration }
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.logger = logger.with(metadata: "exporter", "\(id)")
        if config.tls?.insecureSkipVerify == true {
            self.logger.warning("tls.insecure_skip_verify is on: any server certificate is accepted, so anyone on the path can read and alter what is exported")
        }
        self.delivery = ExportDelivery(policy: ExportRetryPolicy(config: config.retry), stats: stats, logger: self.logger)
    }

    public func export(_ batches: [TelemetryBatch]) async -> Bool {
        await queue.push(batches)
    }

    public func run() async throws {
        logger.info("exporting OTLP/HTTP", metadata: ["endpoint": "\(config.endpoint)"])
        await withGracefulShutdownHandler {
            await ConcurrentDrain.run(queue, consumers: config.numConsumers) { batch in
                await self.deliver(batch)
            } afterEach: { [gauges, queue] in
                gauges.record(queue.depth)
            }
        } onGracefulShutdown: {
            self.queue.finish()
        }
        try await client.shutdown()
    }

    /// Sends one batch until it is delivered, refused for good, or out of retries.
    func deliver(_ batch: TelemetryBatch) async {
        let body: ByteBuffer
        do {
            body = try encodedBody(batch.request)
        } catch {
            stats.recordFailed(batch.itemCount)
            logger.error("could not compress batch; dropped", metadata: ["error": "\(error)"])
            return
        }
        await delivery.deliver(batch) { await send(body, signal: batch.signal) }
    }

    private func encodedBody(_ request: ByteBuffer) throws -> ByteBuffer {
        guard config.compression == .gzip else { return request }
        var copy = request
        return try copy.compress(with: .gzip())
    }

    private func send(_ body: ByteBuffer, signal: Signal) async -> ExportAttempt {
        var request = HTTPClientRequest(url: config.url(for: signal))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-protobuf")
        if config.compression == .gzip { request.headers.add(name: "Content-Encoding", value: "gzip") }
        for (name, value) in config.headers.sorted(by: { $0.key < $1.key }) { request.headers.add(name: name, value: value) }
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: TimeAmount(config.timeout))
            let status = Int(response.status.code)
            let responseBody = try await response.body.collect(upTo: 1 << 20)
            if (200..<300).contains(status) {
                let partial = ExportDelivery.partialSuccess(responseBody)
                return .delivered(rejected: partial.rejected, message: partial.message)
            }
            let detail = "HTTP \(status): \(Self.statusMessage(responseBody, contentType: response.headers.first(name: "Content-Type")))"
            if ExportRetryPolicy.isRetryable(status: status) {
                return .retryable(reason: detail, retryAfter: ExportRetryPolicy.retryAfter(response.headers.first(name: "Retry-After")))
            }
            return .permanent(reason: detail)
        } catch {
            // Could not connect, or no response in time: the backend may come back.
            return .retryable(reason: "\(error)", retryAfter: nil)
        }
    }

    /// The message of a `google.rpc.Status` error body, or its text.
    static func statusMessage(_ body: ByteBuffer, contentType: String?) -> String {
        if contentType?.hasPrefix("application/x-protobuf") == true {
            return body.withUnsafeReadableBytes { raw in
                var cursor = ProtoCursor(bytes: raw)
                while let field = try? cursor.next() {
                    if field.number == 2, field.wireType == .lengthDelimited {
                        return WireString(bytes: raw, range: field.payload).string
                    }
                }
                return "(no message)"
            }
        }
        return String(buffer: body).prefix(500).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

import Foundation
