import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Logging
import NIOCore
import OTLPWire
import ServiceLifecycle

/// OTLP/gRPC: `TraceService/Export` and `LogsService/Export` on HTTP/2, with
/// raw-bytes serializers so the request stays protobuf wire bytes, into the
/// same pipelines as OTLP/HTTP. gzip is accepted; bad data is
/// INVALID_ARGUMENT, oversized messages RESOURCE_EXHAUSTED (from the
/// transport), a full pipeline UNAVAILABLE with a `RetryInfo`.
struct OTLPGRPCServer: Service {
    let config: OTLPReceiverConfig.GRPC
    let security: EndpointSecurity
    let consumers: [Signal: [Pipeline]]
    let address: BoundAddress
    let logger: Logger

    static func method(_ signal: Signal) -> MethodDescriptor {
        switch signal {
        case .traces: MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.trace.v1.TraceService", method: "Export")
        case .logs: MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.logs.v1.LogsService", method: "Export")
        }
    }

    func run() async throws {
        let maxSize = config.maxRecvMsgSizeMiB << 20
        // The transport resets streams past its own limit (clients then see
        // UNAVAILABLE, which they retry), so the configured limit is enforced
        // in the handler with RESOURCE_EXHAUSTED; the transport's, 4× higher,
        // only bounds memory.
        let transportCeiling = min(maxSize * 4, 1 << 30)
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: config.endpoint.host == "localhost" ? "127.0.0.1" : config.endpoint.host, port: config.endpoint.port),
            transportSecurity: security.tls?.grpcServerSecurity ?? .plaintext,
            config: .defaults { c in
                c.rpc.maxRequestPayloadSize = transportCeiling
                c.compression.enabledAlgorithms = .all
            })
        var router = RPCRouter<HTTP2ServerTransport.Posix>()
        for (signal, pipelines) in consumers where !pipelines.isEmpty {
            router.registerHandler(
                forMethod: Self.method(signal), deserializer: RawBytesCodec(), serializer: RawBytesCodec()
            ) { [config, logger, security] request, _ in
                var tenant: String?
                if let authenticator = security.authenticator {
                    switch authenticator.tenant(authorization: request.metadata[stringValues: "authorization"].first(where: { _ in true })) {
                    case .success(let name): tenant = name
                    case .failure(let rejection):
                        logger.debug("refused OTLP/gRPC call without valid credentials", metadata: ["reason": "\(rejection.message)"])
                        throw OTLPRefusal.unauthenticated(rejection).rpcError
                    }
                }
                var body = ByteBuffer()
                for try await message in request.messages { body = message }
                do throws(OTLPRefusal) {
                    guard body.readableBytes <= maxSize else { throw .tooLarge(limit: maxSize, decompressed: true) }
                    try PipelineAdmission.refuseEarly(body, signal: signal, to: pipelines, retryAfter: config.retryAfter)
                    var batch = try OTLPRequestDecoder(maxBodySize: maxSize)
                        .decode(body, signal: signal, mediaType: .protobuf, contentEncoding: nil)
                    if let tenant { batch = TenantStamp.apply(tenant, to: batch) }
                    if batch.itemCount > 0 {
                        try await PipelineAdmission.admit(batch, to: pipelines, retryAfter: config.retryAfter)
                    }
                } catch {
                    logger.debug("refused OTLP/gRPC request", metadata: ["code": "\(error.code)", "reason": "\(error.message)"])
                    throw error.rpcError
                }
                // An empty Export*ServiceResponse: no partial success to report.
                return StreamingServerResponse(single: ServerResponse(message: ByteBuffer()))
            }
        }
        let server = GRPCServer(transport: transport, router: router)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                try await withGracefulShutdownHandler {
                    try await server.serve()
                } onGracefulShutdown: {
                    server.beginGracefulShutdown()
                }
            }
            group.addTask { [address, logger, config] in
                guard let bound = try await transport.listeningAddress.ipv4 ?? nil else { return }
                address.publish(port: bound.port)
                logger.info("OTLP/gRPC receiver listening", metadata: [
                    "address": "\(config.endpoint.host):\(bound.port)", "security": "\(security.summary)",
                ])
            }
        }
    }
}

/// Messages pass through as bytes: OTLPWire reads them where they lie. (The
/// transport's byte type keeps its buffer internal, so reading it costs one
/// copy.)
struct RawBytesCodec: MessageSerializer, MessageDeserializer {
    typealias Message = ByteBuffer

    func serialize<Bytes: GRPCContiguousBytes>(_ message: ByteBuffer) throws -> Bytes {
        Bytes(message.readableBytesView)
    }

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> ByteBuffer {
        serializedMessageBytes.withUnsafeBytes { ByteBuffer(bytes: $0) }
    }
}

extension OTLPRefusal {
    /// The gRPC status, with a `google.rpc.Status` carrying `RetryInfo` in
    /// `grpc-status-details-bin` when the client should retry later.
    var rpcError: RPCError {
        let grpcCode: RPCError.Code = switch code {
        case .invalidArgument: .invalidArgument
        case .deadlineExceeded: .deadlineExceeded
        case .notFound: .notFound
        case .resourceExhausted: .resourceExhausted
        case .unimplemented: .unimplemented
        case .unavailable: .unavailable
        case .unauthenticated: .unauthenticated
        }
        var metadata = Metadata()
        if let retryAfter {
            metadata.addBinary(RetryInfo.status(code: code.rawValue, message: message, retryDelay: retryAfter), forKey: RetryInfo.metadataKey)
        }
        return RPCError(code: grpcCode, message: message, metadata: metadata)
    }
}
