import AsyncHTTPClient
import CompressNIO
public import Logging
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
    private let queue: BatchQueue
    private let client: HTTPClient
    private let policy: ExportRetryPolicy
    private let logger: Logger

    public init(id: ComponentID, config: OTLPHTTPExporterConfig, logger: Logger) {
        self.id = id
        self.config = config
        self.stats = ExporterStats(exporter: id)
        self.queue = BatchQueue(maxCount: config.queueSize, maxBytes: 512 << 20)
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        self.policy = ExportRetryPolicy(config: config.retry)
        self.logger = logger.with(metadata: "exporter", "\(id)")
    }

    public func export(_ batch: TelemetryBatch) async -> Bool {
        await queue.push(batch)
    }

    public func run() async throws {
        logger.info("exporting OTLP/HTTP", metadata: ["endpoint": "\(config.endpoint)"])
        await withGracefulShutdownHandler {
            while let batch = await queue.next() {
                await deliver(batch)
            }
        } onGracefulShutdown: {
            self.queue.finish()
        }
        try await client.shutdown()
    }

    enum Attempt {
        case delivered(rejected: Int64, message: String)
        case retryable(reason: String, retryAfter: Duration?)
        case permanent(reason: String)
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
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            switch await send(body, signal: batch.signal) {
            case .delivered(let rejected, let message):
                let rejectedItems = Int(clamping: max(0, rejected))
                stats.recordSent(batch.itemCount - min(rejectedItems, batch.itemCount))
                if rejectedItems > 0 {
                    stats.recordFailed(min(rejectedItems, batch.itemCount))
                    logger.warning("backend rejected part of a batch (partial success is not retried)", metadata: [
                        "rejected": "\(rejected)", "message": "\(message)",
                    ])
                }
                return
            case .permanent(let reason):
                stats.recordFailed(batch.itemCount)
                logger.error("export failed and is not retryable; dropped", metadata: [
                    "reason": "\(reason)", "items": "\(batch.itemCount)",
                ])
                return
            case .retryable(let reason, let retryAfter):
                let wait = retryAfter ?? policy.backoff(attempt: attempt, random: Double.random(in: 0...1))
                guard policy.allowsRetry(elapsed: ContinuousClock.now - started, wait: wait) else {
                    stats.recordFailed(batch.itemCount)
                    logger.error("export failed; retries exhausted, dropped", metadata: [
                        "reason": "\(reason)", "items": "\(batch.itemCount)", "attempts": "\(attempt + 1)",
                    ])
                    return
                }
                logger.warning("export failed; will retry", metadata: [
                    "reason": "\(reason)", "wait": "\(wait)", "attempt": "\(attempt + 1)",
                ])
                stats.recordRetry()
                do {
                    try await Task.sleep(for: wait)
                } catch {
                    stats.recordFailed(batch.itemCount)
                    logger.error("export cancelled during retry; dropped", metadata: ["items": "\(batch.itemCount)"])
                    return
                }
                attempt += 1
            }
        }
    }

    private func encodedBody(_ request: ByteBuffer) throws -> ByteBuffer {
        guard config.compression == .gzip else { return request }
        var copy = request
        return try copy.compress(with: .gzip())
    }

    private func send(_ body: ByteBuffer, signal: Signal) async -> Attempt {
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
                let partial = Self.partialSuccess(responseBody)
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

    /// `partial_success` of an `Export*ServiceResponse` (both signals share its shape).
    static func partialSuccess(_ body: ByteBuffer) -> (rejected: Int64, message: String) {
        body.withUnsafeReadableBytes { raw in
            var rejected: Int64 = 0
            var message = ""
            var cursor = ProtoCursor(bytes: raw)
            while let field = try? cursor.next() {
                guard field.number == 1, field.wireType == .lengthDelimited else { continue }
                var inner = ProtoCursor(bytes: raw, range: field.payload)
                while let member = try? inner.next() {
                    if member.number == 1, member.wireType == .varint { rejected = Int64(bitPattern: member.value) }
                    if member.number == 2, member.wireType == .lengthDelimited {
                        message = WireString(bytes: raw, range: member.payload).string
                    }
                }
            }
            return (rejected, message)
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
