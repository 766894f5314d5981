import AsyncHTTPClient
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import NIOCore
import NIOSSL
import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// TLS and mutual TLS on the receivers, the admin endpoint and both
/// exporters, with a certificate authority made in the test.
@Suite(.serialized) struct TLSTests {
    let directory = TestFiles.temporaryDirectory()
    let ca: TestCertificateAuthority
    let server: TestCertificateAuthority.Identity
    let client: TestCertificateAuthority.Identity
    /// A client certificate from a CA the daemon does not trust.
    let stranger: TestCertificateAuthority.Identity

    init() throws {
        ca = try TestCertificateAuthority(directory: directory)
        server = try ca.issue("tokenaudit-server")
        client = try ca.issue("sender")
        stranger = try TestCertificateAuthority(directory: directory, name: "other CA").issue("stranger")
    }

    func daemonYAML(mutual: Bool, exporters: String = "file: { path: {dir}/out.jsonl }", exporterID: String = "file") -> String {
        let tls = "{ cert_file: \(server.certFile), key_file: \(server.keyFile)\(mutual ? ", client_ca_file: \(ca.caFile)" : "") }"
        return """
        receivers:
          otlp:
            protocols:
              http: { endpoint: 127.0.0.1:0, tls: \(tls) }
              grpc: { endpoint: 127.0.0.1:0, tls: \(tls) }
        processors:
          tokenaudit: { decision_wait: 0s }
        exporters:
          \(exporters)
        service:
          pipelines:
            traces: { receivers: [otlp], processors: [tokenaudit], exporters: [\(exporterID)] }
          admin: { endpoint: 127.0.0.1:0, tls: { cert_file: \(server.certFile), key_file: \(server.keyFile) } }
          storage: { path: {dir}/storage }
        """
    }

    /// What an HTTPS request got: a status, or the error that ended it.
    enum Answer: Equatable {
        case status(Int)
        case failed(String)

        /// Refused by the TLS handshake (not a timeout, not a server error).
        var refusedByTLS: Bool {
            guard case .failed(let text) = self else { return false }
            return text.contains("SSL") || text.contains("handshake")
        }
    }

    /// An HTTPS client trusting the test CA, presenting `identity` if given.
    func post(_ url: String, identity: TestCertificateAuthority.Identity? = nil, trusting caFile: String? = nil, timeout: Int64 = 30) async -> Answer {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(caFile ?? ca.caFile)
        if let identity {
            tls.certificateChain = (try? NIOSSLCertificate.fromPEMFile(identity.certFile).map { .certificate($0) }) ?? []
            tls.privateKey = (try? NIOSSLPrivateKey(file: identity.keyFile, format: .pem)).map { .privateKey($0) }
        }
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(tlsConfiguration: tls))
        var request = HTTPClientRequest(url: url)
        request.method = url.hasSuffix("/healthz") ? .GET : .POST
        request.headers.add(name: "Content-Type", value: "application/x-protobuf")
        if request.method == .POST { request.body = .bytes(ByteBuffer(bytes: AuthenticationTests.request(claimingTenant: nil))) }
        let answer: Answer
        do {
            let response = try await http.execute(request, timeout: .seconds(timeout))
            _ = try await response.body.collect(upTo: 1 << 20)
            answer = .status(Int(response.status.code))
        } catch {
            answer = .failed(String(reflecting: error))
        }
        try? await http.shutdown()
        return answer
    }

    func grpcSecurity(identity: TestCertificateAuthority.Identity?) -> HTTP2ClientTransport.Posix.TransportSecurity {
        .tls(.defaults { tls in
            tls.trustRoots = .certificates([.file(path: ca.caFile, format: .pem)])
            if let identity {
                tls.certificateChain = [.file(path: identity.certFile, format: .pem)]
                tls.privateKey = .file(path: identity.keyFile, format: .pem)
            }
        })
    }

    /// Whether an Export call succeeds (a refused handshake throws or fails the call).
    /// Whether an Export call succeeds; a failure must come from the
    /// connection (a refused handshake), never from running out of time.
    func grpcExportSucceeds(port: Int, identity: TestCertificateAuthority.Identity?, secure: Bool = true) async -> Bool {
        do {
            let outcome = try await OTLPGRPCClient.export(
                AuthenticationTests.request(claimingTenant: nil), signal: .traces, port: port,
                security: secure ? grpcSecurity(identity: identity) : .plaintext, timeout: .seconds(30))
            if let error = outcome.error { Issue.record(error, "an Export call failed by status, not by connection") }
            return outcome.error == nil
        } catch {
            #expect(!"\(error)".contains("deadline"), "refused, not timed out: \(error)")
            return false
        }
    }

    @Test func receiversAndAdminServeTLSAndRefusePlaintext() async throws {
        let d = try await TestDaemon(yaml: daemonYAML(mutual: false))
        let httpPort = await d.httpPort
        #expect(await post("https://127.0.0.1:\(httpPort)/v1/traces") == .status(200))
        #expect(await post("https://localhost:\(httpPort)/v1/traces") == .status(200), "the certificate names localhost too")
        #expect(await post("https://127.0.0.1:\(httpPort)/v1/traces", trusting: stranger.certFile).refusedByTLS, "an untrusted server certificate is refused")
        let plaintext = try #require(RawHTTP(port: httpPort, timeout: 5))
        plaintext.send(RawHTTP.request(body: AuthenticationTests.request(claimingTenant: nil)))
        #expect(await plaintext.status() == nil, "plaintext HTTP is not served on a TLS port")
        #expect(await post("https://127.0.0.1:\(await d.adminPort)/healthz") == .status(200))

        let grpcPort = await d.daemon.receivers.values.first!.grpcAddress.port()
        #expect(await grpcExportSucceeds(port: grpcPort, identity: nil))
        #expect(await !grpcExportSucceeds(port: grpcPort, identity: nil, secure: false), "a plaintext gRPC client cannot connect")
        try await d.stop()
        #expect(TestFiles.lines(d.directory + "/out.jsonl").count == 3)
    }

    @Test func mutualTLSAdmitsOnlyClientsWithACertificateFromTheConfiguredCA() async throws {
        let d = try await TestDaemon(yaml: daemonYAML(mutual: true))
        let url = "https://127.0.0.1:\(await d.httpPort)/v1/traces"
        #expect(await post(url, identity: client) == .status(200))
        #expect(await post(url).refusedByTLS, "no client certificate")
        #expect(await post(url, identity: stranger).refusedByTLS, "a certificate from another CA")

        let grpcPort = await d.daemon.receivers.values.first!.grpcAddress.port()
        #expect(await grpcExportSucceeds(port: grpcPort, identity: client))
        #expect(await !grpcExportSucceeds(port: grpcPort, identity: nil), "no client certificate")
        #expect(await !grpcExportSucceeds(port: grpcPort, identity: stranger), "a certificate from another CA")
        try await d.stop()
        #expect(TestFiles.lines(d.directory + "/out.jsonl").count == 2, "only the two clients with a trusted certificate got data in")
    }

    @Test func exportersSpeakTLSToBackendsTrustingTheConfiguredCA() async throws {
        // Backend 1: an HTTPS sink. Backend 2: a daemon whose gRPC receiver requires mutual TLS.
        var sinkTLS = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(server.certFile).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: server.keyFile, format: .pem)))
        sinkTLS.minimumTLSVersion = .tlsv12
        let sink = RecordingSink(tls: sinkTLS)
        let backend = try await TestDaemon(yaml: daemonYAML(mutual: true))
        let backendGRPC = await backend.daemon.receivers.values.first!.grpcAddress.port()

        let front = try await TestDaemon(yaml: TestDaemon.yaml(exporters: """
              otlp_http: { endpoint: \(await sink.baseURL), tls: { ca_file: \(ca.caFile) } }
              otlp_grpc:
                endpoint: 127.0.0.1:\(backendGRPC)
                tls: { ca_file: \(ca.caFile), cert_file: \(client.certFile), key_file: \(client.keyFile) }
            """, exporterIDs: ["otlp_http", "otlp_grpc"]))
        #expect(await sink.baseURL.hasPrefix("https://"))
        let answer = try await OTLPClient.post(await front.url("/v1/traces"), body: AuthenticationTests.request(claimingTenant: nil))
        #expect(answer.status == 200)
        try await front.stop()
        try await backend.stop()
        try await sink.stop()
        #expect(sink.received.filter { $0.path == "/v1/traces" }.count == 1, "delivered over HTTPS")
        #expect(TestFiles.lines(backend.directory + "/out.jsonl").count == 1, "delivered over gRPC with mutual TLS")
    }

    @Test func aMissingCertificateStopsTheStartNamingTheFile() throws {
        let yaml = daemonYAML(mutual: false).replacingOccurrences(of: server.keyFile, with: directory + "/nope-key.pem")
        let config = try TokenAuditConfig.parse(yaml: yaml.replacingOccurrences(of: "{dir}", with: directory), source: "t")
        #expect {
            _ = try Daemon(config: config, logger: .init(label: "t"))
        } throws: { error in
            "\(error)".contains("nope-key.pem")
        }
        // An exporter's missing CA, beside an exporter that already holds an
        // HTTP client: the start stops cleanly (no client left unshut).
        let exporters = try TokenAuditConfig.parse(yaml: TestDaemon.yaml(exporters: """
              otlp_http: { endpoint: https://127.0.0.1:1 }
              otlp_http/second: { endpoint: https://127.0.0.1:2, tls: { ca_file: \(directory)/no-such-ca.pem } }
            """, exporterIDs: ["otlp_http", "otlp_http/second"]).replacingOccurrences(of: "{dir}", with: directory), source: "t")
        #expect {
            _ = try Daemon(config: exporters, logger: .init(label: "t"))
        } throws: { error in
            "\(error)".contains("no-such-ca.pem")
        }
        #expect {
            _ = try TokenAuditConfig.parse(yaml: "receivers: { otlp: { protocols: { http: { tls: { key_file: k.pem, min_version: \"1.1\" } } } } }\n"
                + "exporters: { file: { path: x } }\nservice: { pipelines: { traces: { receivers: [otlp], exporters: [file] } } }", source: "t")
        } throws: { error in
            "\(error)".contains("a TLS server needs cert_file") && "\(error)".contains("expected \"1.2\" or \"1.3\"")
        }
    }
}
