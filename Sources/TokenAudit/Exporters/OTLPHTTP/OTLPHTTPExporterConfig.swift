/// `exporters.otlp_http`: forwards OTLP/HTTP protobuf to another collector or
/// backend, with the Collector's retry and queue settings.
@dynamicMemberLookup
public struct OTLPHTTPExporterConfig: Sendable, Equatable {
    /// Base URL; `/v1/traces` and `/v1/logs` are appended.
    public var endpoint = "http://127.0.0.1:14318"
    public var tracesEndpoint: String?
    public var logsEndpoint: String?
    public var sending = SendingSettings()
    /// Trust anchors and client certificate for `https://` endpoints; the
    /// system's trust store when unset.
    public var tls: TLSClientSettings?

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<SendingSettings, Value>) -> Value {
        get { sending[keyPath: keyPath] }
        set { sending[keyPath: keyPath] = newValue }
    }

    public init(endpoint: String = "http://127.0.0.1:14318") {
        self.endpoint = endpoint
    }

    public func url(for signal: Signal) -> String {
        switch signal {
        case .traces: tracesEndpoint ?? Self.join(endpoint, "/v1/traces")
        case .logs: logsEndpoint ?? Self.join(endpoint, "/v1/logs")
        }
    }

    static func join(_ base: String, _ path: String) -> String {
        base.hasSuffix("/") ? String(base.dropLast()) + path : base + path
    }

    init(_ m: inout ConfigMapping) {
        endpoint = m.string("endpoint", default: endpoint)
        for key in ["endpoint", "traces_endpoint", "logs_endpoint"] where m.has(key) {
            let value = m.string(key, default: "")
            if !(value.hasPrefix("http://") || value.hasPrefix("https://")) {
                m.report(key, "must be an http:// or https:// URL, found '\(value)'")
            }
            if key == "traces_endpoint" { tracesEndpoint = value }
            if key == "logs_endpoint" { logsEndpoint = value }
        }
        sending = SendingSettings(&m)
        tls = m.tlsClient()
        if let tls, tls.insecure { m.report("tls", "insecure applies to otlp_grpc; for otlp_http use an http:// endpoint") }
    }
}
