import Foundation
import GRPCNIOTransportHTTP2Posix
public import NIOSSL

/// TLS settings with their files loaded: built once when the daemon starts,
/// so a missing or unreadable certificate stops the start with the file's
/// name instead of failing the first handshake.
public struct TLSMaterial: Sendable {
    public struct LoadError: Error, CustomStringConvertible {
        public var file: String
        public var reason: String
        public var description: String { "TLS: cannot load \(file): \(reason)" }
    }

    public let configuration: TLSConfiguration
    let chain: [NIOSSLCertificate]
    let key: NIOSSLPrivateKey?
    /// The key file as read, for the gRPC transport (which takes sources, not keys).
    let keyPEM: [UInt8]?
    let trustRoots: [NIOSSLCertificate]?

    /// A server's certificate, key and (for mutual TLS) client CA.
    public init(server settings: TLSServerSettings) throws {
        chain = try Self.certificates(settings.certFile)
        let key = try Self.privateKey(settings.keyFile)
        self.key = key
        keyPEM = try Self.bytes(settings.keyFile)
        trustRoots = try settings.clientCAFile.map(Self.certificates)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = settings.minVersion.nio
        if let trustRoots {
            configuration.trustRoots = .certificates(trustRoots)
            // Clients are identified by their CA, not by a host name.
            configuration.certificateVerification = .noHostnameVerification
        }
        self.configuration = configuration
        isServer = true
    }

    /// A client's trust anchors and (optionally) its own certificate.
    public init(client settings: TLSClientSettings) throws {
        chain = try settings.certFile.map(Self.certificates) ?? []
        key = try settings.keyFile.map(Self.privateKey)
        keyPEM = try settings.keyFile.map(Self.bytes)
        trustRoots = try settings.caFile.map(Self.certificates)
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = settings.minVersion.nio
        if let trustRoots { configuration.trustRoots = .certificates(trustRoots) }
        if let key {
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(key)
        }
        if settings.insecureSkipVerify { configuration.certificateVerification = .none }
        self.configuration = configuration
        isServer = false
    }

    /// Whether clients must present a certificate (server material with a client CA).
    public var requiresClientCertificate: Bool { isServer && trustRoots != nil }
    private let isServer: Bool

    /// The same material for the gRPC server transport.
    var grpcServerSecurity: HTTP2ServerTransport.Posix.TransportSecurity {
        .tls(certificateChain: Self.sources(chain), privateKey: .bytes(keyPEM ?? [], format: .pem)) { tls in
            if let trustRoots {
                tls.trustRoots = .certificates(Self.sources(trustRoots))
                tls.clientCertificateVerification = .noHostnameVerification
            }
        }
    }

    /// The same material for the gRPC client transport.
    func grpcClientSecurity(skipVerify: Bool) -> HTTP2ClientTransport.Posix.TransportSecurity {
        .tls(.defaults { tls in
            tls.certificateChain = Self.sources(chain)
            tls.privateKey = keyPEM.map { .bytes($0, format: .pem) }
            if let trustRoots { tls.trustRoots = .certificates(Self.sources(trustRoots)) }
            if skipVerify { tls.serverCertificateVerification = .noVerification }
        })
    }

    private static func sources(_ certificates: [NIOSSLCertificate]) -> [TLSConfig.CertificateSource] {
        certificates.compactMap { try? .bytes($0.toDERBytes(), format: .der) }
    }

    private static func bytes(_ path: String) throws -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw LoadError(file: path, reason: error.localizedDescription)
        }
    }

    private static func certificates(_ path: String) throws -> [NIOSSLCertificate] {
        do {
            let certificates = try NIOSSLCertificate.fromPEMFile(path)
            guard !certificates.isEmpty else { throw LoadError(file: path, reason: "no PEM certificate in the file") }
            return certificates
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError(file: path, reason: "\(error)")
        }
    }

    private static func privateKey(_ path: String) throws -> NIOSSLPrivateKey {
        do {
            return try NIOSSLPrivateKey(file: path, format: .pem)
        } catch {
            throw LoadError(file: path, reason: "\(error)")
        }
    }
}

extension TLSProtocolVersion {
    var nio: TLSVersion { self == .v1_3 ? .tlsv13 : .tlsv12 }
}
