/// `tls:` on a receiver protocol or the admin endpoint, as the Collector's
/// server `configtls`: the certificate and key to present, and optionally
/// the CA that client certificates must chain to (mutual TLS).
public struct TLSServerSettings: Sendable, Equatable {
    public var certFile: String
    public var keyFile: String
    /// When set, clients must present a certificate signed by this CA.
    public var clientCAFile: String?
    public var minVersion = TLSProtocolVersion.v1_2

    public init(certFile: String, keyFile: String, clientCAFile: String? = nil) {
        self.certFile = certFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
    }
}

/// `tls:` on an exporter, as the Collector's client `configtls`.
public struct TLSClientSettings: Sendable, Equatable {
    /// gRPC only: plaintext even though a `tls` block is present.
    public var insecure = false
    /// Trust anchors for the server's certificate; the system's when unset.
    public var caFile: String?
    /// A client certificate and key, for servers that require mutual TLS.
    public var certFile: String?
    public var keyFile: String?
    /// Accept any server certificate: for tests only, logged loudly.
    public var insecureSkipVerify = false
    public var minVersion = TLSProtocolVersion.v1_2

    public init() {}
}

public enum TLSProtocolVersion: String, Sendable, Equatable {
    case v1_2 = "1.2"
    case v1_3 = "1.3"
}

extension ConfigMapping {
    mutating func tlsServer(_ key: String = "tls") -> TLSServerSettings? {
        guard has(key) else { return nil }
        var m = mapping(key)
        var settings = TLSServerSettings(certFile: m.string("cert_file", default: ""), keyFile: m.string("key_file", default: ""))
        if settings.certFile.isEmpty { m.report("cert_file", "a TLS server needs cert_file (PEM certificate chain)") }
        if settings.keyFile.isEmpty { m.report("key_file", "a TLS server needs key_file (PEM private key)") }
        if m.has("client_ca_file") { settings.clientCAFile = m.string("client_ca_file", default: "") }
        settings.minVersion = m.tlsVersion("min_version", default: settings.minVersion)
        m.finish()
        return settings
    }

    mutating func tlsClient(_ key: String = "tls") -> TLSClientSettings? {
        guard has(key) else { return nil }
        var m = mapping(key)
        var settings = TLSClientSettings()
        settings.insecure = m.bool("insecure", default: false)
        if m.has("ca_file") { settings.caFile = m.string("ca_file", default: "") }
        if m.has("cert_file") { settings.certFile = m.string("cert_file", default: "") }
        if m.has("key_file") { settings.keyFile = m.string("key_file", default: "") }
        if (settings.certFile == nil) != (settings.keyFile == nil) {
            m.report(settings.certFile == nil ? "cert_file" : "key_file", "a client certificate needs both cert_file and key_file")
        }
        settings.insecureSkipVerify = m.bool("insecure_skip_verify", default: false)
        settings.minVersion = m.tlsVersion("min_version", default: settings.minVersion)
        m.finish()
        return settings
    }

    private mutating func tlsVersion(_ key: String, default value: TLSProtocolVersion) -> TLSProtocolVersion {
        let text = string(key, default: value.rawValue)
        guard let version = TLSProtocolVersion(rawValue: text) else {
            report(key, "expected \"1.2\" or \"1.3\", found '\(text)'")
            return value
        }
        return version
    }
}
