import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Serves `POST /v1/traces` and `POST /v1/logs` with the OTLP/HTTP rules of
/// DESIGN.md §5: media type in and out, gzip, size limits, `google.rpc.Status`
/// errors, and 503 + `Retry-After` when the pipeline is full.
struct OTLPHTTPResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let config: OTLPReceiverConfig.HTTP
    let authenticator: BearerTokenAuthenticator?
    /// The pipelines each signal feeds; a signal with none answers 404.
    let consumers: [Signal: [Pipeline]]
    let logger: Logger

    func respond(to request: Request, context: Context) async throws -> Response {
        let signal: Signal
        switch request.uri.path {
        case config.tracesURLPath: signal = .traces
        case config.logsURLPath: signal = .logs
        default:
            return failure(OTLPRefusal(status: .notFound, code: .notFound,
                                           message: "no OTLP endpoint at \(request.uri.path)"), mediaType: nil)
        }
        let mediaType = OTLPMediaType(contentType: request.headers[.contentType])
        // Credentials first: a caller without them learns nothing else.
        var tenant: String?
        if let authenticator {
            switch authenticator.tenant(authorization: request.headers[.authorization]) {
            case .success(let name): tenant = name
            case .failure(let rejection): return failure(.unauthenticated(rejection), mediaType: mediaType)
            }
        }
        guard request.method == .post else {
            var refusal = OTLPRefusal(status: .methodNotAllowed, code: .unimplemented,
                                          message: "\(request.method) is not allowed on \(request.uri.path); use POST")
            refusal.extraHeaders[.allow] = "POST"
            return failure(refusal, mediaType: mediaType)
        }
        guard let mediaType else {
            let given = request.headers[.contentType] ?? "none"
            return failure(OTLPRefusal(
                status: .unsupportedMediaType, code: .invalidArgument,
                message: "unsupported Content-Type '\(given)' (use application/x-protobuf or application/json)"), mediaType: nil)
        }
        guard let pipelines = consumers[signal], !pipelines.isEmpty else {
            return failure(OTLPRefusal(status: .notFound, code: .notFound,
                                           message: "no \(signal) pipeline is configured for this receiver"), mediaType: mediaType)
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > config.maxRequestBodySize {
            return failure(.tooLarge(limit: config.maxRequestBodySize, decompressed: false), mediaType: mediaType)
        }
        let body: ByteBuffer
        do {
            guard let collected = try await Self.collect(request.body, upTo: config.maxRequestBodySize, within: config.readTimeout) else {
                return failure(OTLPRefusal(status: .requestTimeout, code: .deadlineExceeded,
                                           message: "the request body did not arrive within \(config.readTimeout)"), mediaType: mediaType)
            }
            body = collected
        } catch is NIOTooManyBytesError {
            return failure(.tooLarge(limit: config.maxRequestBodySize, decompressed: false), mediaType: mediaType)
        }

        do {
            if mediaType == .protobuf, OTLPRequestDecoder.isIdentity(request.headers[.contentEncoding]) {
                try PipelineAdmission.refuseEarly(body, signal: signal, to: pipelines, retryAfter: config.retryAfter)
            }
            var batch = try OTLPRequestDecoder(maxBodySize: config.maxRequestBodySize)
                .decode(body, signal: signal, mediaType: mediaType, contentEncoding: request.headers[.contentEncoding])
            if let tenant { batch = TenantStamp.apply(tenant, to: batch) }
            if batch.itemCount > 0 { try await PipelineAdmission.admit(batch, to: pipelines, retryAfter: config.retryAfter) }
            return success(mediaType)
        } catch {
            return failure(error, mediaType: mediaType)
        }
    }

    /// An empty `Export*ServiceResponse`: no partial success to report.
    private func success(_ mediaType: OTLPMediaType) -> Response {
        let body = mediaType == .json ? ByteBuffer(string: "{}") : ByteBuffer()
        return Response(status: .ok, headers: [.contentType: mediaType.contentType], body: .init(byteBuffer: body))
    }

    private func failure(_ failure: OTLPRefusal, mediaType: OTLPMediaType?) -> Response {
        if failure.status.code >= 500 || failure.status == .contentTooLarge {
            logger.warning("refused OTLP request", metadata: ["status": "\(failure.status.code)", "reason": "\(failure.message)"])
        } else {
            logger.debug("refused OTLP request", metadata: ["status": "\(failure.status.code)", "reason": "\(failure.message)"])
        }
        let (contentType, body) = failure.body(as: mediaType)
        var headers = failure.extraHeaders
        headers[.contentType] = contentType
        if let retryAfter = failure.retryAfter {
            headers[.retryAfter] = String(max(1, Int(retryAfter.seconds.rounded(.up))))
        }
        return Response(status: failure.status, headers: headers, body: .init(byteBuffer: body))
    }

    /// The whole body, or nil when it takes longer than `timeout` (a client
    /// that stalls mid-upload must not hold a request, or shutdown, forever).
    static func collect(_ body: RequestBody, upTo limit: Int, within timeout: Duration) async throws -> ByteBuffer? {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}
