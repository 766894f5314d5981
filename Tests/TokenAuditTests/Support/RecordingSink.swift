import CompressNIO
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import NIOCore
import ServiceLifecycle
import Synchronization
@testable import TokenAudit

/// A real OTLP/HTTP server for tests: records every request body it receives
/// (gunzipped) and answers from a script of statuses, optionally holding
/// requests until released.
final class RecordingSink: Sendable {
    struct Received: Sendable {
        var path: String
        var body: [UInt8]
        var contentEncoding: String?
        var headers: [String: String]
    }

    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields = [:]
        var body: [UInt8] = []
    }

    private struct State {
        var received: [Received] = []
        var script: [Reply] = []
        var held = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    let address = BoundAddress()
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private let scheme: String

    /// Plain HTTP, or HTTPS with `tls` (a test that passes broken TLS
    /// settings sees every request fail).
    init(tls: TLSConfiguration? = nil) {
        scheme = tls == nil ? "http" : "https"
        let box = SinkResponder.Box()
        var logger = Logger(label: "sink")
        logger.logLevel = .error
        let address = self.address
        let app = Application(
            responder: SinkResponder(box: box),
            server: tls.flatMap { try? .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { address.publish(port: $0.localAddress?.port ?? 0) },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        self.group = group
        task = Task { try await group.run() }
        box.sink.withLock { $0 = self }
    }

    var baseURL: String {
        get async { "\(scheme)://127.0.0.1:\(await address.port())" }
    }

    /// Replies to use, in order, before falling back to 200.
    func script(_ replies: [Reply]) { state.withLock { $0.script = replies } }

    /// While held, requests wait (unanswered) until `release()`.
    func hold() { state.withLock { $0.held = true } }

    func release() {
        let waiting = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.held = false
            defer { s.waiting.removeAll() }
            return s.waiting
        }
        for w in waiting { w.resume() }
    }

    var received: [Received] { state.withLock { $0.received } }

    func stop() async throws {
        release()
        await group.triggerGracefulShutdown()
        try await task.value
    }

    fileprivate func handle(_ request: Request) async throws -> Response {
        var body = try await request.body.collect(upTo: 64 << 20)
        let encoding = request.headers[.contentEncoding]
        if encoding == "gzip" { body = try body.decompress(with: .gzip()) }
        let (reply, mustWait): (Reply?, Bool) = state.withLock { s in
            s.received.append(Received(
                path: request.uri.path, body: Array(body.readableBytesView), contentEncoding: encoding,
                headers: Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { a, _ in a })))
            return (s.script.isEmpty ? nil : s.script.removeFirst(), s.held)
        }
        if mustWait {
            await withCheckedContinuation { continuation in
                let stillHeld = state.withLock { s -> Bool in
                    if s.held { s.waiting.append(continuation) }
                    return s.held
                }
                if !stillHeld { continuation.resume() }
            }
        }
        let r = reply ?? Reply(status: .ok, headers: [.contentType: "application/x-protobuf"])
        return Response(status: r.status, headers: r.headers, body: .init(byteBuffer: ByteBuffer(bytes: r.body)))
    }
}

private struct SinkResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    final class Box: Sendable {
        let sink = Mutex<RecordingSink?>(nil)
    }

    let box: Box

    func respond(to request: Request, context: Context) async throws -> Response {
        guard let sink = box.sink.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
        return try await sink.handle(request)
    }
}
