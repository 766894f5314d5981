/// `exporters.otlp_grpc`: forwards OTLP/gRPC to another collector or backend
/// (plaintext HTTP/2; TLS arrives with the security work).
@dynamicMemberLookup
public struct OTLPGRPCExporterConfig: Sendable, Equatable {
    public var endpoint = Endpoint(host: "127.0.0.1", port: 14317)
    /// Headers are sent as gRPC metadata.
    public var sending = SendingSettings()

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
            if text.hasPrefix("https://") {
                m.report("endpoint", "TLS is not supported yet; use a plaintext endpoint")
            } else if let parsed = Endpoint(bare.hasSuffix("/") ? String(bare.dropLast()) : bare) {
                endpoint = parsed
            } else {
                m.report("endpoint", "expected host:port (e.g. 127.0.0.1:4317), found '\(text)'")
            }
        }
        sending = SendingSettings(&m)
    }
}
