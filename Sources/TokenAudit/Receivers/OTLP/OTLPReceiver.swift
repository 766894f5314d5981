import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The `otlp` receiver: builds the OTLP/HTTP server for a configuration and
/// the pipelines it feeds. (OTLP/gRPC arrives with its own issue; a `grpc`
/// protocol in the config is accepted and reported at start as not served.)
public struct OTLPReceiver: Sendable {
    public let id: ComponentID
    public let config: OTLPReceiverConfig
    public let httpAddress = BoundAddress()
    let consumers: [Signal: [Pipeline]]
    let logger: Logger

    init(id: ComponentID, config: OTLPReceiverConfig, consumers: [Signal: [Pipeline]], logger: Logger) {
        self.id = id
        self.config = config
        self.consumers = consumers
        self.logger = logger
    }

    /// The services this receiver runs (one per served protocol).
    func services() -> [any Service] {
        guard let http = config.http else { return [] }
        let logger = self.logger.with(metadata: "receiver", "\(id)")
        let responder = OTLPHTTPResponder(config: http, consumers: consumers, logger: logger)
        let address = httpAddress
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(http.endpoint.host, port: http.endpoint.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? http.endpoint.port
                address.publish(port: port)
                logger.info("OTLP/HTTP receiver listening", metadata: ["address": "\(http.endpoint.host):\(port)"])
            },
            logger: logger)
        return [app]
    }
}
