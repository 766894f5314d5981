import GRPCCore
import GRPCNIOTransportHTTP2Posix
import NIOCore
@testable import TokenAudit

/// A real gRPC client (grpc-swift-2 over HTTP/2) calling OTLP Export.
enum OTLPGRPCClient {
    struct Outcome {
        var error: RPCError?
        var response: [UInt8]
    }

    static func export(
        _ body: [UInt8], signal: Signal, port: Int, gzip: Bool = false,
        security: HTTP2ClientTransport.Posix.TransportSecurity = .plaintext, metadata: Metadata = [:],
        timeout: Duration = .seconds(10)
    ) async throws -> Outcome {
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: security,
            config: .defaults { $0.compression.enabledAlgorithms = .all })
        var options = CallOptions.defaults
        if gzip { options.compression = .gzip }
        options.timeout = timeout
        return try await withGRPCClient(transport: transport) { client in
            try await client.unary(
                request: ClientRequest(message: ByteBuffer(bytes: body), metadata: metadata), descriptor: OTLPGRPCServer.method(signal),
                serializer: RawBytesCodec(), deserializer: RawBytesCodec(), options: options
            ) { response in
                do {
                    return Outcome(error: nil, response: Array(try response.message.readableBytesView))
                } catch let error as RPCError {
                    return Outcome(error: error, response: [])
                }
            }
        }
    }
}
