/// `exporters.otlp_grpc`: forwards OTLP/gRPC to another collector or backend.
///
/// TLS is used when the endpoint is `https://…` or a `tls` block is given
/// without `insecure: true`; otherwise plaintext HTTP/2. (The Collector
/// defaults to TLS; tokenaudit's default backend is a local one, so a
/// plaintext endpoint stays plaintext unless asked.)
@dynamicMemberLookup
public struct OTLPGRPCExporterConfig: Sendable, Equatable {
    public var endpoint = Endpoint(host: "127.0.0.1", port: 14317)
    /// Headers are sent as gRPC metadata.
    public var sending = SendingSettings()
    public var tls: TLSClientSettings?
    /// Whether calls go over TLS (see the type's documentation).
    public var usesTLS = false

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<SendingSettings, Value>) -> Value {
        get { sending[keyPath: keyPath] }
        set { sending[keyPath: keyPath] = newValue }
    }

    public init(endpoint: Endpoint = Endpoint(host: "127.0.0.1", port: 14317)) {
        self.endpoint = endpoint
    }

    init(_ m: inout ConfigMapping) {
        // The Collector accepts `host:port` and `http://host:port`.
        if m.has("endpoint") {
            let text = m.string("endpoint", default: "")
            let bare = text.replacingOccurrences(of: "http://", with: "").replacingOccurrences(of: "https://", with: "")
            usesTLS = text.hasPrefix("https://")
            if let parsed = Endpoint(bare.hasSuffix("/") ? String(bare.dropLast()) : bare) {
                endpoint = parsed
            } else {
                m.report("endpoint", "expected host:port (e.g. 127.0.0.1:4317), found '\(text)'")
            }
        }
        sending = SendingSettings(&m)
        tls = m.tlsClient()
        if let tls { usesTLS = !tls.insecure }
    }
}
