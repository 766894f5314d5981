import Foundation
import Hummingbird
public import Logging
public import ServiceLifecycle
public import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// The daemon built from a configuration: exporters, pipelines, receivers and
/// the admin endpoint, run as one `ServiceGroup`.
///
/// Services are listed exporters → (limiters, state keeper) → pipelines →
/// receivers → admin, because the
/// group shuts down in reverse order, one service at a time: receivers stop
/// accepting (finishing requests in flight), then each pipeline drains its
/// queue into the exporters, then the exporters flush. Nothing accepted
/// before SIGTERM is lost.
public final class Daemon: Sendable {
    public let config: TokenAuditConfig
    public let pipelines: [Pipeline]
    public let exporters: [ComponentID: any TelemetryExporter]
    public let receivers: [ComponentID: OTLPReceiver]
    /// `extensions` enabled in `service.extensions` (serving only).
    public let authenticators: [ComponentID: BearerTokenAuthenticator]
    let adminSecurity: EndpointSecurity
    /// One instance per configured processor, shared by every pipeline naming it.
    public let processors: [ComponentID: TokenAuditProcessor]
    let memoryLimiters: [ComponentID: MemoryLimiter]
    /// Aggregates every verdict into `summaries.sqlite`; stops after the pipelines drain.
    public let summaries: SummaryRecorder
    /// Saves principal state (serving only); stops after the pipelines drain.
    let snapshotKeeper: PrincipalSnapshotKeeper?
    public let adminAddress = BoundAddress()
    /// The queue file, when queues are durable (serving with `durable_queues`).
    let store: DurableStore?
    /// Outcomes posted to the admin endpoint, shared by every tokenaudit processor.
    public let outcomes = OutcomeIndex()
    let logger: Logger

    /// Builds every component. `serving: false` builds only exporters and
    /// pipelines, for offline replay. Throws when a file the configuration
    /// names (team directory, price file) cannot be loaded.
    public init(config: TokenAuditConfig, logger: Logger, serving: Bool = true) throws {
        self.config = config
        self.logger = logger
        if serving { PrometheusMetrics.bootstrap() }
        // Replay runs beside a serving daemon on the same storage: it keeps
        // its queues in memory so the two never take each other's batches.
        try FileManager.default.createDirectory(atPath: config.service.storagePath, withIntermediateDirectories: true)
        if serving, config.service.durableQueues {
            store = try DurableStore(path: config.service.storagePath + "/queue.sqlite", durability: config.service.durability)
        } else {
            store = nil
        }
        // Credentials and TLS first: their errors are start-up errors.
        var authenticators: [ComponentID: BearerTokenAuthenticator] = [:]
        if serving {
            for id in config.service.extensions {
                guard case .bearerTokenAuth(let c)? = config.extensions[id] else { continue }
                authenticators[id] = try BearerTokenAuthenticator(id: id, config: c)
            }
        }
        self.authenticators = authenticators
        func security(_ auth: ComponentID?, _ tls: TLSServerSettings?) throws -> EndpointSecurity {
            EndpointSecurity(authenticator: auth.flatMap { authenticators[$0] }, tls: try tls.map(TLSMaterial.init(server:)))
        }
        adminSecurity = serving ? try security(config.service.adminAuth, config.service.adminTLS) : .open
        // Receivers' TLS material is loaded here too, before anything that
        // must be shut down (HTTP clients) exists: a bad file stops the start cleanly.
        var receiverSecurity: [ComponentID: (http: EndpointSecurity, grpc: EndpointSecurity)] = [:]
        if serving {
            for (id, receiver) in config.receivers {
                guard case .otlp(let c) = receiver else { continue }
                receiverSecurity[id] = (try security(c.http?.auth, c.http?.tls), try security(c.grpc?.auth, c.grpc?.tls))
            }
        }
        for case .otlpHTTP(let c) in config.exporters.values { _ = try c.tls.map(TLSMaterial.init(client:)) }
        for case .otlpGRPC(let c) in config.exporters.values { _ = try c.tls.map(TLSMaterial.init(client:)) }

        let store = self.store
        func buffer(_ name: String, count: Int, bytes: Int) throws -> any BatchBuffer {
            guard let store else { return BatchQueue(maxCount: count, maxBytes: bytes) }
            return try DurableBatchQueue(store: store, name: name, maxCount: count, maxBytes: bytes, logger: logger)
        }

        var exporters: [ComponentID: any TelemetryExporter] = [:]
        for (id, exporter) in config.exporters where config.service.pipelines.contains(where: { $0.exporters.contains(id) }) {
            let name = "exporter/\(id)"
            switch exporter {
            case .file(let c):
                exporters[id] = FileExporter(
                    id: id, config: c,
                    queue: try buffer(name, count: FileExporter.defaultQueueCount, bytes: FileExporter.defaultQueueBytes), logger: logger)
            case .otlpHTTP(let c):
                exporters[id] = try OTLPHTTPExporter(
                    id: id, config: c, queue: try buffer(name, count: c.queueSize, bytes: c.queueMiB << 20), logger: logger)
            case .otlpGRPC(let c):
                exporters[id] = try OTLPGRPCExporter(
                    id: id, config: c, queue: try buffer(name, count: c.queueSize, bytes: c.queueMiB << 20), logger: logger)
            }
        }
        self.exporters = exporters

        let summaries = try SummaryRecorder(
            store: SummaryStore(path: config.service.storagePath + "/summaries.sqlite"),
            folder: config.service.storagePath + "/summaries", retention: config.service.retention,
            principalLabels: config.service.metricsPrincipalLabels, logger: logger)
        self.summaries = summaries
        var processors: [ComponentID: TokenAuditProcessor] = [:]
        var limiters: [ComponentID: MemoryLimiter] = [:]
        for (id, processor) in config.processors where config.service.pipelines.contains(where: { $0.processors.contains(id) }) {
            switch processor {
            case .tokenaudit(let c): processors[id] = try TokenAuditProcessor(id: id, config: c, outcomes: outcomes, summaries: summaries)
            case .memoryLimiter(let c): limiters[id] = MemoryLimiter(id: id, config: c, logger: logger)
            }
        }
        self.processors = processors
        self.memoryLimiters = limiters
        if serving, !processors.isEmpty {
            let snapshots = try PrincipalSnapshotStore(path: config.service.storagePath + "/detection.sqlite")
            let engines = Dictionary(uniqueKeysWithValues: processors.map { ("\($0.key)", $0.value.detection) })
            PrincipalSnapshotKeeper.restore(from: snapshots, into: engines, logger: logger)
            snapshotKeeper = PrincipalSnapshotKeeper(store: snapshots, engines: engines, interval: .seconds(300), logger: logger)
        } else {
            snapshotKeeper = nil
        }
        func processor(_ id: ComponentID) -> (any TelemetryProcessor)? { processors[id] ?? limiters[id] }

        pipelines = try config.service.pipelines.map { p in
            Pipeline(
                id: p.id, signal: p.signal,
                queue: try buffer("pipeline/\(p.id)", count: p.maxQueuedRequests, bytes: p.maxQueuedBytes),
                processors: p.processors.compactMap(processor), exporters: p.exporters.compactMap { exporters[$0] },
                logger: logger)
        }

        var receivers: [ComponentID: OTLPReceiver] = [:]
        if serving {
            for (id, receiver) in config.receivers {
                let feeding = zip(config.service.pipelines, pipelines).filter { $0.0.receivers.contains(id) }.map(\.1)
                guard !feeding.isEmpty, case .otlp(let c) = receiver else { continue }
                receivers[id] = OTLPReceiver(
                    id: id, config: c, consumers: Dictionary(grouping: feeding, by: \.signal),
                    httpSecurity: receiverSecurity[id]?.http ?? .open, grpcSecurity: receiverSecurity[id]?.grpc ?? .open,
                    logger: logger)
            }
        }
        self.receivers = receivers
    }

    /// The services in start order (see the type's documentation).
    public func services() throws -> [any Service] {
        var services: [any Service] = exporters.sorted { $0.key < $1.key }.map(\.value)
        services += memoryLimiters.sorted { $0.key < $1.key }.map(\.value) as [any Service]
        services.append(summaries)
        if let snapshotKeeper { services.append(snapshotKeeper) }
        services += pipelines as [any Service]
        for (_, receiver) in receivers.sorted(by: { $0.key < $1.key }) { services += try receiver.services() }
        if !receivers.isEmpty, authenticators.values.contains(where: { $0.config.filename != nil }) {
            services.append(CredentialReloader(authenticators: authenticators.sorted { $0.key < $1.key }.map(\.value), logger: logger))
        }
        let directories = processors.values.compactMap(\.directory)
        if !receivers.isEmpty, !directories.isEmpty {
            services.append(TeamDirectoryReloader(directories: directories, logger: logger))
        }
        if !receivers.isEmpty, let admin = config.service.admin {
            let address = adminAddress
            let logger = self.logger
            let security = adminSecurity
            services.append(Application(
                responder: AdminResponder(
                    authenticator: adminSecurity.authenticator,
                    pipelines: pipelines, exporters: exporters.sorted { $0.key < $1.key }.map(\.value),
                    processors: processors.sorted { $0.key < $1.key }.map(\.value),
                    outcomes: OutcomesEndpoint(outcomes: outcomes),
                    summaries: SummaryEndpoints(store: summaries.store, flush: { [summaries] in summaries.flush() })),
                server: try adminSecurity.httpServer(),
                configuration: ApplicationConfiguration(address: .hostname(admin.host, port: admin.port)),
                onServerRunning: { channel in
                    let port = channel.localAddress?.port ?? admin.port
                    address.publish(port: port)
                    logger.info("admin endpoint listening", metadata: [
                        "address": "\(admin.host):\(port)", "health": "/healthz", "security": "\(security.summary)",
                    ])
                },
                logger: logger.with(metadata: "component", "admin")))
        }
        return services
    }

    /// A group that stops gracefully on `signals` (SIGTERM and SIGINT when serving).
    public func serviceGroup(gracefulShutdownSignals signals: [UnixSignal] = [.sigterm, .sigint]) throws -> ServiceGroup {
        ServiceGroup(configuration: ServiceGroupConfiguration(
            services: try services().map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: signals,
            logger: logger))
    }

    /// Reports, once before the group runs, what a user should know about
    /// who can reach the daemon: loopback only (the default), or beyond it
    /// with or without credentials and TLS.
    public func prepare() {
        var endpoints: [(component: String, endpoint: Endpoint, security: EndpointSecurity)] = []
        for (id, receiver) in receivers.sorted(by: { $0.key < $1.key }) {
            if let http = receiver.config.http { endpoints.append(("receiver \(id) (OTLP/HTTP)", http.endpoint, receiver.httpSecurity)) }
            if let grpc = receiver.config.grpc { endpoints.append(("receiver \(id) (OTLP/gRPC)", grpc.endpoint, receiver.grpcSecurity)) }
        }
        if !receivers.isEmpty, let admin = config.service.admin { endpoints.append(("admin endpoint", admin, adminSecurity)) }
        guard !endpoints.isEmpty else { return }
        if endpoints.allSatisfy(\.endpoint.isLoopback) {
            logger.notice("listening on loopback only: other hosts cannot connect (set an endpoint to 0.0.0.0:<port> to accept them, with auth and tls)")
        }
        for (component, endpoint, security) in endpoints where !endpoint.isLoopback {
            if security.authenticator == nil {
                logger.warning("listens beyond loopback without authentication; anyone who can reach it can send or read data", metadata: [
                    "component": "\(component)", "endpoint": "\(endpoint)",
                ])
            } else if security.tls == nil {
                logger.warning("listens beyond loopback without TLS; bearer tokens and data cross the network in clear text", metadata: [
                    "component": "\(component)", "endpoint": "\(endpoint)",
                ])
            }
        }
    }
}
