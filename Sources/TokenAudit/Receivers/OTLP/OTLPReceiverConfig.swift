/// `receivers.otlp`: OTLP over HTTP and gRPC.
public struct OTLPReceiverConfig: Sendable, Equatable {
    public struct HTTP: Sendable, Equatable {
        public var endpoint = Endpoint(host: "127.0.0.1", port: 4318)
        /// Largest request body accepted, compressed and after decompression.
        public var maxRequestBodySize = 20 * 1024 * 1024
        public var tracesURLPath = "/v1/traces"
        public var logsURLPath = "/v1/logs"
        /// Sent as `Retry-After` with 503 when the pipeline is full.
        public var retryAfter: Duration = .seconds(1)
        /// Longest a request body may take to arrive; a stalled upload gets
        /// 408 and cannot hold up shutdown longer than this.
        public var readTimeout: Duration = .seconds(30)
        /// Connections idle this long are closed (slow or abandoned clients).
        public var idleTimeout: Duration = .seconds(60)
        /// The extension that checks each request's bearer token.
        public var auth: ComponentID?
        public var tls: TLSServerSettings?

        public init(endpoint: Endpoint = Endpoint(host: "127.0.0.1", port: 4318)) {
            self.endpoint = endpoint
        }
    }

    public struct GRPC: Sendable, Equatable {
        public var endpoint = Endpoint(host: "127.0.0.1", port: 4317)
        /// Largest request message accepted, after decompression (the
        /// Collector's default); past it: RESOURCE_EXHAUSTED.
        public var maxRecvMsgSizeMiB = 4
        /// Sent as a `RetryInfo` delay with UNAVAILABLE when the pipeline is full.
        public var retryAfter: Duration = .seconds(1)
        /// The extension that checks each call's `authorization` metadata.
        public var auth: ComponentID?
        public var tls: TLSServerSettings?

        public init(endpoint: Endpoint = Endpoint(host: "127.0.0.1", port: 4317)) {
            self.endpoint = endpoint
        }
    }

    public var http: HTTP?
    public var grpc: GRPC?

    public init(http: HTTP? = HTTP(), grpc: GRPC? = nil) {
        self.http = http
        self.grpc = grpc
    }

    init(_ m: inout ConfigMapping) {
        var protocols = m.mapping("protocols")
        if protocols.has("http") {
            var h = protocols.mapping("http")
            var http = HTTP()
            http.endpoint = h.endpoint("endpoint", default: http.endpoint)
            http.maxRequestBodySize = h.int("max_request_body_size", default: http.maxRequestBodySize, range: 1024...(1 << 30))
            http.tracesURLPath = h.string("traces_url_path", default: http.tracesURLPath)
            http.logsURLPath = h.string("logs_url_path", default: http.logsURLPath)
            http.retryAfter = h.duration("retry_after", default: http.retryAfter)
            http.readTimeout = h.duration("read_timeout", default: http.readTimeout)
            if http.readTimeout < .milliseconds(100) { h.report("read_timeout", "must be at least 100ms") }
            http.idleTimeout = h.duration("idle_timeout", default: http.idleTimeout)
            if http.idleTimeout < .milliseconds(100) { h.report("idle_timeout", "must be at least 100ms") }
            http.auth = h.authenticator()
            http.tls = h.tlsServer()
            for key in ["traces_url_path", "logs_url_path"] where h.has(key) {
                let value = key == "traces_url_path" ? http.tracesURLPath : http.logsURLPath
                if !value.hasPrefix("/") { h.report(key, "must start with '/'") }
            }
            h.finish()
            self.http = http
        }
        if protocols.has("grpc") {
            var g = protocols.mapping("grpc")
            var grpc = GRPC(endpoint: g.endpoint("endpoint", default: GRPC().endpoint))
            grpc.maxRecvMsgSizeMiB = g.int("max_recv_msg_size_mib", default: grpc.maxRecvMsgSizeMiB, range: 1...1024)
            grpc.retryAfter = g.duration("retry_after", default: grpc.retryAfter)
            grpc.auth = g.authenticator()
            grpc.tls = g.tlsServer()
            g.finish()
            self.grpc = grpc
        }
        if http == nil, grpc == nil {
            protocols.report("", "at least one of http or grpc must be configured")
        }
        protocols.finish()
    }
}
