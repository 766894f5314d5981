import Hummingbird
import HummingbirdCore
import HummingbirdTLS

/// What guards one listening endpoint: who may call it (a bearer-token
/// authenticator) and how the connection is protected (TLS material).
/// Both optional: a loopback endpoint in the default config has neither.
public struct EndpointSecurity: Sendable {
    public var authenticator: BearerTokenAuthenticator?
    public var tls: TLSMaterial?

    public init(authenticator: BearerTokenAuthenticator? = nil, tls: TLSMaterial? = nil) {
        self.authenticator = authenticator
        self.tls = tls
    }

    public static let open = EndpointSecurity()

    /// The Hummingbird server for this endpoint: HTTP/1.1, over TLS when configured.
    func httpServer(_ configuration: HTTP1Channel.Configuration = .init()) throws -> HTTPServerBuilder {
        guard let tls else { return .http1(configuration: configuration) }
        return try .tls(.http1(configuration: configuration), tlsConfiguration: tls.configuration)
    }

    /// For log lines: which protections are on.
    var summary: String {
        [tls.map { $0.requiresClientCertificate ? "mTLS" : "TLS" } ?? "plaintext",
         authenticator.map { "bearer tokens (\($0.id))" } ?? "no authentication"].joined(separator: ", ")
    }
}
