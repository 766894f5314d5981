import GRPCCore
import GRPCNIOTransportHTTP2Posix
import NIOCore
import Synchronization
@testable import TokenAudit

/// A real OTLP/gRPC backend for tests: records every Export body and answers
/// from a script of errors (then OK).
final class RecordingGRPCSink: Sendable {
    struct Received: Sendable {
        var signal: Signal
        var body: [UInt8]
        var metadata: [String: String]
    }

    private final class State: Sendable {
        let received = Mutex<[Received]>([])
        let script = Mutex<[RPCError]>([])
    }

    private let state = State()
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let transport: HTTP2ServerTransport.Posix
    private let task: Task<Void, any Error>

    init() {
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: .plaintext,
            config: .defaults { $0.compression.enabledAlgorithms = .all })
        var router = RPCRouter<HTTP2ServerTransport.Posix>()
        let state = self.state
        for signal in Signal.allCases {
            router.registerHandler(forMethod: OTLPGRPCServer.method(signal), deserializer: RawBytesCodec(), serializer: RawBytesCodec()) {
                request, _ in
                var body = ByteBuffer()
                for try await message in request.messages { body = message }
                var metadata: [String: String] = [:]
                for (key, value) in request.metadata { if case .string(let s) = value { metadata[key] = s } }
                let received = Received(signal: signal, body: Array(body.readableBytesView), metadata: metadata)
                state.received.withLock { $0.append(received) }
                if let error = state.script.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { throw error }
                return StreamingServerResponse(single: ServerResponse(message: ByteBuffer()))
            }
        }
        let server = GRPCServer(transport: transport, router: router)
        self.server = server
        self.transport = transport
        task = Task { try await server.serve() }
    }

    var port: Int {
        get async throws { try await transport.listeningAddress.ipv4?.port ?? 0 }
    }

    func script(_ errors: [RPCError]) { state.script.withLock { $0 = errors } }

    var received: [Received] { state.received.withLock { $0 } }

    func stop() async {
        server.beginGracefulShutdown()
        _ = try? await task.value
    }

    /// An error carrying `google.rpc.RetryInfo { retry_delay: 0s }`.
    static func withRetryInfo(_ code: RPCError.Code) -> RPCError {
        OTLPRefusal(status: .serviceUnavailable, code: .unavailable, message: "busy", retryAfter: .zero).rpcError
            .withCode(code)
    }
}

extension RPCError {
    func withCode(_ code: Code) -> RPCError { RPCError(code: code, message: message, metadata: metadata) }
}
