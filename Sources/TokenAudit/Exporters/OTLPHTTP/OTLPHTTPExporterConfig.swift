/// `exporters.otlp_http`: forwards OTLP/HTTP protobuf to another collector or
/// backend, with the Collector's retry and queue settings.
public struct OTLPHTTPExporterConfig: Sendable, Equatable {
    public typealias Retry = RetryConfig

    /// Base URL; `/v1/traces` and `/v1/logs` are appended.
    public var endpoint = "http://127.0.0.1:14318"
    public var tracesEndpoint: String?
    public var logsEndpoint: String?
    public var headers: [String: String] = [:]
    public var compression = Compression.gzip
    public var timeout: Duration = .seconds(30)
    public var retry = Retry()
    /// Batches waiting to be sent; when full, the pipeline waits (and its
    /// own queue then refuses new requests with 503).
    public var queueSize = 256
    /// Bytes the queue may hold (on disk when durable).
    public var queueMiB = 512

    public enum Compression: String, Sendable, Equatable {
        case gzip, none
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
        headers = m.stringMap("headers")
        let compressionText = m.string("compression", default: compression.rawValue)
        if let c = Compression(rawValue: compressionText) {
            compression = c
        } else {
            m.report("compression", "expected gzip or none, found '\(compressionText)'")
        }
        timeout = m.duration("timeout", default: timeout)
        var r = m.mapping("retry_on_failure")
        retry = RetryConfig(&r)
        r.finish()
        var q = m.mapping("sending_queue")
        queueSize = q.int("queue_size", default: queueSize, range: 1...1_000_000)
        queueMiB = q.int("max_mib", default: queueMiB, range: 1...1_000_000)
        q.finish()
    }
}
