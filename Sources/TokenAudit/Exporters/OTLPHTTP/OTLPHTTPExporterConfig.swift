/// `exporters.otlp_http`: forwards OTLP/HTTP protobuf to another collector or
/// backend, with the Collector's retry and queue settings.
public struct OTLPHTTPExporterConfig: Sendable, Equatable {
    public struct Retry: Sendable, Equatable {
        public var enabled = true
        public var initialInterval: Duration = .seconds(5)
        public var maxInterval: Duration = .seconds(30)
        /// Give up on a batch after retrying this long; 0 retries forever.
        public var maxElapsedTime: Duration = .seconds(300)
        public var multiplier = 1.5
        public var randomizationFactor = 0.5
    }

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
        retry.enabled = r.bool("enabled", default: retry.enabled)
        retry.initialInterval = r.duration("initial_interval", default: retry.initialInterval)
        retry.maxInterval = r.duration("max_interval", default: retry.maxInterval)
        retry.maxElapsedTime = r.duration("max_elapsed_time", default: retry.maxElapsedTime)
        retry.multiplier = r.double("multiplier", default: retry.multiplier, range: 1...10)
        retry.randomizationFactor = r.double("randomization_factor", default: retry.randomizationFactor, range: 0...1)
        if retry.maxInterval < retry.initialInterval {
            r.report("max_interval", "must not be shorter than initial_interval")
        }
        r.finish()
        var q = m.mapping("sending_queue")
        queueSize = q.int("queue_size", default: queueSize, range: 1...1_000_000)
        q.finish()
    }
}
