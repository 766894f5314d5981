import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Logging
import NIOCore
import OTLPWire
import ServiceLifecycle

/// The `otlp_grpc` exporter: calls `TraceService/Export` / `LogsService/Export`
/// on the backend with the raw request bytes, behind a bounded queue,
/// retrying by the OTLP rules for gRPC: only transient codes, and
/// RESOURCE_EXHAUSTED only when the server sent a `RetryInfo`.
public final class OTLPGRPCExporter: TelemetryExporter {
    public let id: ComponentID
    public let config: OTLPGRPCExporterConfig
    public let stats: ExporterStats
    private let gauges: QueueGauges
    public var depth: QueueDepth { queue.depth }
    private let queue: any BatchBuffer
    private let delivery: ExportDelivery
    private let logger: Logger
    private let security: HTTP2ClientTransport.Posix.TransportSecurity

    init(id: ComponentID, config: OTLPGRPCExporterConfig, queue: any BatchBuffer, logger: Logger) throws {
        self.id = id
        self.config = config
        self.stats = ExporterStats(exporter: id)
        self.gauges = QueueGauges(queue: "exporter/\(id)")
        self.queue = queue
        self.logger = logger.with(metadata: "exporter", "\(id)")
        self.delivery = ExportDelivery(policy: ExportRetryPolicy(config: config.retry), stats: stats, logger: self.logger)
        if config.tls?.insecureSkipVerify == true {
            self.logger.warning("tls.insecure_skip_verify is on: any server certificate is accepted, so anyone on the path can read and alter what is exported")
        }
        if config.usesTLS {
            let material = try TLSMaterial(client: config.tls ?? TLSClientSettings())
            security = material.grpcClientSecurity(skipVerify: config.tls?.insecureSkipVerify ?? false)
        } else {
            security = .plaintext
        }
    }

    public func export(_ batches: [TelemetryBatch]) async -> Bool {
        await queue.push(batches)
    }

    public func run() async throws {
        logger.info("exporting OTLP/gRPC", metadata: ["endpoint": "\(config.endpoint)", "tls": "\(config.usesTLS)"])
        let transport = try HTTP2ClientTransport.Posix(
            target: config.endpoint.resolvableTarget,
            transportSecurity: security,
            config: .defaults { $0.compression.enabledAlgorithms = .all })
        let client = GRPCClient(transport: transport)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await client.runConnections() }
            await withGracefulShutdownHandler {
                await ConcurrentDrain.run(queue, consumers: config.numConsumers) { [delivery] batch in
                    await delivery.deliver(batch) { await self.send(batch, client: client) }
                } afterEach: { [gauges, queue] in
                    gauges.record(queue.depth)
                }
            } onGracefulShutdown: {
                self.queue.finish()
            }
            client.beginGracefulShutdown()
        }
    }

    private func send(_ batch: TelemetryBatch, client: GRPCClient<HTTP2ClientTransport.Posix>) async -> ExportAttempt {
        var options = CallOptions.defaults
        options.timeout = config.timeout
        if config.compression == .gzip { options.compression = .gzip }
        var metadata = Metadata()
        for (key, value) in config.headers.sorted(by: { $0.key < $1.key }) { metadata.addString(value, forKey: key.lowercased()) }
        do {
            return try await client.unary(
                request: ClientRequest(message: batch.request, metadata: metadata),
                descriptor: OTLPGRPCServer.method(batch.signal),
                serializer: RawBytesCodec(), deserializer: RawBytesCodec(), options: options
            ) { response in
                let partial = ExportDelivery.partialSuccess(try response.message)
                return .delivered(rejected: partial.rejected, message: partial.message)
            }
        } catch let error as RPCError {
            return Self.attempt(for: error)
        } catch {
            return .retryable(reason: "\(error)", retryAfter: nil)
        }
    }

    /// The OTLP specification's retryable gRPC codes.
    static func attempt(for error: RPCError) -> ExportAttempt {
        let reason = "gRPC \(error.code): \(error.message)"
        let retryAfter = retryInfo(error.metadata)
        switch error.code {
        case .cancelled, .deadlineExceeded, .aborted, .outOfRange, .unavailable, .dataLoss:
            return .retryable(reason: reason, retryAfter: retryAfter)
        case .resourceExhausted where retryAfter != nil:
            return .retryable(reason: reason, retryAfter: retryAfter)
        default:
            return .permanent(reason: reason)
        }
    }

    /// The `RetryInfo.retry_delay` in `grpc-status-details-bin`, if any.
    static func retryInfo(_ metadata: Metadata) -> Duration? {
        metadata[binaryValues: RetryInfo.metadataKey].lazy.compactMap(RetryInfo.retryDelay(inStatus:)).first
    }
}

extension Endpoint {
    /// An IPv4 literal is dialled as is; a name is resolved (and, over TLS,
    /// is the name the server's certificate must carry).
    var resolvableTarget: any ResolvableTarget {
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) { return .ipv4(address: host, port: port) }
        return .dns(host: host, port: port)
    }
}
