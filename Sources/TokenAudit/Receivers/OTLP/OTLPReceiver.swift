import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The `otlp` receiver: builds the OTLP/HTTP and OTLP/gRPC servers for a
/// configuration and the pipelines they feed.
public struct OTLPReceiver: Sendable {
    public let id: ComponentID
    public let config: OTLPReceiverConfig
    public let httpAddress = BoundAddress()
    public let grpcAddress = BoundAddress()
    let consumers: [Signal: [Pipeline]]
    let httpSecurity: EndpointSecurity
    let grpcSecurity: EndpointSecurity
    let logger: Logger

    init(
        id: ComponentID, config: OTLPReceiverConfig, consumers: [Signal: [Pipeline]],
        httpSecurity: EndpointSecurity = .open, grpcSecurity: EndpointSecurity = .open, logger: Logger
    ) {
        self.id = id
        self.config = config
        self.consumers = consumers
        self.httpSecurity = httpSecurity
        self.grpcSecurity = grpcSecurity
        self.logger = logger
    }

    /// The services this receiver runs (one per served protocol).
    func services() throws -> [any Service] {
        var services: [any Service] = []
        if let grpc = config.grpc {
            services.append(OTLPGRPCServer(
                config: grpc, security: grpcSecurity, consumers: consumers, address: grpcAddress,
                logger: self.logger.with(metadata: "receiver", "\(id)")))
        }
        guard let http = config.http else { return services }
        let logger = self.logger.with(metadata: "receiver", "\(id)")
        let responder = OTLPHTTPResponder(config: http, authenticator: httpSecurity.authenticator, consumers: consumers, logger: logger)
        let address = httpAddress
        let security = httpSecurity
        let app = Application(
            responder: responder,
            server: try httpSecurity.httpServer(.init(idleTimeout: .nanoseconds(Int64(http.idleTimeout.components.seconds) * 1_000_000_000
                + http.idleTimeout.components.attoseconds / 1_000_000_000))),
            configuration: ApplicationConfiguration(address: .hostname(http.endpoint.host, port: http.endpoint.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? http.endpoint.port
                address.publish(port: port)
                logger.info("OTLP/HTTP receiver listening", metadata: [
                    "address": "\(http.endpoint.host):\(port)", "security": "\(security.summary)",
                ])
            },
            logger: logger)
        return services + [app]
    }
}
