import Yams

/// The whole daemon configuration: collector-shaped YAML (DESIGN.md §3.1).
public struct TokenAuditConfig: Sendable {
    public enum Receiver: Sendable, Equatable {
        case otlp(OTLPReceiverConfig)
    }

    public enum Processor: Sendable, Equatable {
        case tokenaudit(TokenAuditProcessorConfig)
        case memoryLimiter(MemoryLimiterConfig)
    }

    public enum Exporter: Sendable, Equatable {
        case file(FileExporterConfig)
        case otlpHTTP(OTLPHTTPExporterConfig)
        case otlpGRPC(OTLPGRPCExporterConfig)
    }

    public enum Extension: Sendable, Equatable {
        case bearerTokenAuth(BearerTokenAuthConfig)
    }

    public var extensions: [ComponentID: Extension] = [:]
    public var receivers: [ComponentID: Receiver] = [:]
    public var processors: [ComponentID: Processor] = [:]
    public var exporters: [ComponentID: Exporter] = [:]
    public var service = ServiceConfig()

    /// The configuration `tokenaudit serve` runs without `--config`.
    public static func embeddedDefault() -> TokenAuditConfig {
        do {
            return try parse(yaml: EmbeddedDefault.yaml, source: "(embedded default)")
        } catch {
            preconditionFailure("the embedded default configuration is invalid: \(error)")
        }
    }

    /// Parses and validates `yaml`; every problem is reported in one error.
    public static func parse(yaml: String, source: String) throws(ConfigError) -> TokenAuditConfig {
        let diagnostics = ConfigDiagnostics()
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigError(source: source, issues: [ConfigIssue(path: "", line: nil, message: "not valid YAML: \(error)")])
        }
        var config = TokenAuditConfig()
        var top = ConfigMapping(root, path: "", diagnostics: diagnostics)
        config.read(&top)
        top.finish()
        config.validateReferences(top, diagnostics)
        guard diagnostics.issues.isEmpty else { throw ConfigError(source: source, issues: diagnostics.issues) }
        return config
    }

    private mutating func read(_ top: inout ConfigMapping) {
        extensions = Self.components(in: &top, "extensions", [
            "bearertokenauth": { .bearerTokenAuth(BearerTokenAuthConfig(&$0)) },
        ])
        receivers = Self.components(in: &top, "receivers", [
            "otlp": { .otlp(OTLPReceiverConfig(&$0)) },
        ])
        processors = Self.components(in: &top, "processors", [
            "tokenaudit": { .tokenaudit(TokenAuditProcessorConfig(&$0)) },
            "memory_limiter": { .memoryLimiter(MemoryLimiterConfig(&$0)) },
        ])
        exporters = Self.components(in: &top, "exporters", [
            "file": { .file(FileExporterConfig(&$0)) },
            "otlp_http": { .otlpHTTP(OTLPHTTPExporterConfig(&$0)) },
            "otlp_grpc": { .otlpGRPC(OTLPGRPCExporterConfig(&$0)) },
        ])
        var serviceMap = top.mapping("service")
        readService(&serviceMap)
        serviceMap.finish()
    }

    /// Reads every `type[/name]` entry of one component section with the
    /// factory for its type; unknown types are reported with the known ones.
    private static func components<Component>(
        in top: inout ConfigMapping, _ section: String,
        _ factories: [String: (inout ConfigMapping) -> Component],
        unavailable: [String: String] = [:]
    ) -> [ComponentID: Component] {
        var map = top.mapping(section)
        var result: [ComponentID: Component] = [:]
        for key in map.keys {
            let id = ComponentID(key)
            var m = map.mapping(key)
            if let make = factories[id.type] {
                result[id] = make(&m)
                m.finish()
            } else if let why = unavailable[id.type] {
                map.report(key, why)
            } else {
                let kind = String(section.dropLast())
                map.report(key, "unknown \(kind) type '\(id.type)' (available: \(factories.keys.sorted().joined(separator: ", ")))")
            }
        }
        map.finish()
        return result
    }

    private mutating func readService(_ s: inout ConfigMapping) {
        var pipelinesMap = s.mapping("pipelines")
        for key in pipelinesMap.keys {
            let id = ComponentID(key)
            var m = pipelinesMap.mapping(key)
            guard let signal = Signal(rawValue: id.type) else {
                pipelinesMap.report(key, "unsupported pipeline type '\(id.type)' (available: traces, logs)")
                _ = m.keys.map { m.node($0) }
                continue
            }
            var pipeline = ServiceConfig.Pipeline(id: id, signal: signal)
            pipeline.receivers = m.stringList("receivers", default: []).map(ComponentID.init)
            pipeline.processors = m.stringList("processors", default: []).map(ComponentID.init)
            pipeline.exporters = m.stringList("exporters", default: []).map(ComponentID.init)
            var q = m.mapping("queue")
            pipeline.maxQueuedRequests = q.int("max_requests", default: pipeline.maxQueuedRequests, range: 1...1_000_000)
            pipeline.maxQueuedBytes = q.int("max_mib", default: pipeline.maxQueuedBytes >> 20, range: 1...1_000_000) << 20
            q.finish()
            if pipeline.receivers.isEmpty { m.report("receivers", "a pipeline needs at least one receiver") }
            if pipeline.exporters.isEmpty { m.report("exporters", "a pipeline needs at least one exporter") }
            m.finish()
            service.pipelines.append(pipeline)
        }
        if pipelinesMap.keys.isEmpty { s.report("pipelines", "at least one pipeline must be configured") }
        service.extensions = s.stringList("extensions", default: []).map(ComponentID.init)
        if s.has("admin") {
            var admin = s.mapping("admin")
            service.admin = admin.endpoint("endpoint", default: Endpoint(host: "127.0.0.1", port: 8900))
            service.adminAuth = admin.authenticator()
            service.adminTLS = admin.tlsServer()
            admin.finish()
        }
        var storage = s.mapping("storage")
        service.storagePath = storage.string("path", default: service.storagePath)
        service.durableQueues = storage.bool("durable_queues", default: service.durableQueues)
        let durability = storage.string("durability", default: service.durability.rawValue)
        if let d = DurableStore.Durability(rawValue: durability) {
            service.durability = d
        } else {
            storage.report("durability", "expected normal, full or off, found '\(durability)'")
        }
        service.retention = storage.duration("retention", default: service.retention)
        if service.retention < .seconds(3600) { storage.report("retention", "must be at least 1h") }
        storage.finish()
        var telemetry = s.mapping("telemetry")
        var logs = telemetry.mapping("logs")
        service.logLevel = logs.string("level", default: service.logLevel)
        if !["trace", "debug", "info", "notice", "warning", "warn", "error", "critical"].contains(service.logLevel) {
            logs.report("level", "expected one of debug, info, warn, error, found '\(service.logLevel)'")
        }
        logs.finish()
        var metrics = telemetry.mapping("metrics")
        service.metricsPrincipalLabels = metrics.bool("principal_labels", default: service.metricsPrincipalLabels)
        metrics.finish()
        telemetry.finish()
    }

    /// Every pipeline names components that exist.
    private func validateReferences(_ top: ConfigMapping, _ diagnostics: ConfigDiagnostics) {
        for pipeline in service.pipelines {
            let path = "service.pipelines.\(pipeline.id)"
            for id in pipeline.receivers where receivers[id] == nil {
                diagnostics.report("\(path).receivers", line: nil, "receiver '\(id)' is not defined under receivers")
            }
            for id in pipeline.processors where processors[id] == nil {
                diagnostics.report("\(path).processors", line: nil, "processor '\(id)' is not defined under processors")
            }
            for id in pipeline.exporters where exporters[id] == nil {
                diagnostics.report("\(path).exporters", line: nil, "exporter '\(id)' is not defined under exporters")
            }
        }
        validateAuthenticators(diagnostics)
        let usedReceivers = Set(service.pipelines.flatMap(\.receivers))
        var httpEndpoints: [Endpoint: ComponentID] = [:]
        for (id, receiver) in receivers.sorted(by: { $0.key < $1.key }) where usedReceivers.contains(id) {
            guard case .otlp(let otlp) = receiver, let http = otlp.http else { continue }
            if let other = httpEndpoints[http.endpoint], http.endpoint.port != 0 {
                diagnostics.report("receivers.\(id).protocols.http.endpoint", line: nil,
                                   "endpoint \(http.endpoint) is already used by receiver '\(other)'")
            }
            httpEndpoints[http.endpoint] = id
        }
    }

    /// Every `auth.authenticator` names an extension that is defined and
    /// enabled in `service.extensions`, as the Collector requires.
    private func validateAuthenticators(_ diagnostics: ConfigDiagnostics) {
        for id in service.extensions where extensions[id] == nil {
            diagnostics.report("service.extensions", line: nil, "extension '\(id)' is not defined under extensions")
        }
        var references: [(path: String, id: ComponentID)] = []
        for (receiverID, receiver) in receivers.sorted(by: { $0.key < $1.key }) {
            guard case .otlp(let otlp) = receiver else { continue }
            if let id = otlp.http?.auth { references.append(("receivers.\(receiverID).protocols.http.auth.authenticator", id)) }
            if let id = otlp.grpc?.auth { references.append(("receivers.\(receiverID).protocols.grpc.auth.authenticator", id)) }
        }
        if let id = service.adminAuth { references.append(("service.admin.auth.authenticator", id)) }
        for (path, id) in references {
            if extensions[id] == nil {
                diagnostics.report(path, line: nil, "authenticator '\(id)' is not defined under extensions")
            } else if !service.extensions.contains(id) {
                diagnostics.report(path, line: nil, "authenticator '\(id)' is not enabled: add it to service.extensions")
            }
        }
    }
}
