/// `exporters.otlp_grpc`: forwards OTLP/gRPC to another collector or backend
/// (plaintext HTTP/2; TLS arrives with the security work).
public struct OTLPGRPCExporterConfig: Sendable, Equatable {
    public var endpoint = Endpoint(host: "127.0.0.1", port: 14317)
    /// Sent as gRPC metadata with every call (e.g. authorization).
    public var headers: [String: String] = [:]
    public var compression = OTLPHTTPExporterConfig.Compression.gzip
    public var timeout: Duration = .seconds(30)
    public var retry = RetryConfig()
    public var queueSize = 256
    /// Bytes the queue may hold (on disk when durable).
    public var queueMiB = 512

    public init(endpoint: Endpoint = Endpoint(host: "127.0.0.1", port: 14317)) {
        self.endpoint = endpoint
    }

    init(_ m: inout ConfigMapping) {
        // The Collector accepts `host:port` and `http://host:port`.
        if m.has("endpoint") {
            let text = m.string("endpoint", default: "")
            let bare = text.replacingOccurrences(of: "http://", with: "").replacingOccurrences(of: "https://", with: "")
            if text.hasPrefix("https://") {
                m.report("endpoint", "TLS is not supported yet; use a plaintext endpoint")
            } else if let parsed = Endpoint(bare.hasSuffix("/") ? String(bare.dropLast()) : bare) {
                endpoint = parsed
            } else {
                m.report("endpoint", "expected host:port (e.g. 127.0.0.1:4317), found '\(text)'")
            }
        }
        headers = m.stringMap("headers")
        let compressionText = m.string("compression", default: compression.rawValue)
        if let c = OTLPHTTPExporterConfig.Compression(rawValue: compressionText) {
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
