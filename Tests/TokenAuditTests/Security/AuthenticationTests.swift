import Foundation
import GRPCCore
import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// Bearer-token authentication on the receivers (HTTP and gRPC) and the
/// admin endpoint, against a real daemon over real sockets.
@Suite(.serialized) struct AuthenticationTests {
    static let acme = "acme-0123456789abcdef"
    static let globex = "globex-0123456789abcdef"
    static let admin = "admin-0123456789abcdef"

    /// Receivers guarded by `bearertokenauth`, the admin endpoint by
    /// `bearertokenauth/admin`, forwarding to `sink`.
    static func yaml(sink: String, tokensFile: String? = nil, reloadInterval: String = "5s") -> String {
        """
        extensions:
          bearertokenauth:
            tokens:
              - { tenant: acme, token: \(acme) }
              - { tenant: globex, token: "${env:TOKENAUDIT_TEST_GLOBEX_TOKEN}" }
            \(tokensFile.map { "filename: \($0)" } ?? "")
            reload_interval: \(reloadInterval)
          bearertokenauth/admin:
            tokens: [{ tenant: operators, token: \(admin) }]
        receivers:
          otlp:
            protocols:
              http: { endpoint: 127.0.0.1:0, auth: { authenticator: bearertokenauth } }
              grpc: { endpoint: 127.0.0.1:0, auth: { authenticator: bearertokenauth } }
        processors:
          tokenaudit: { decision_wait: 0s }
        exporters:
          otlp_http: { endpoint: \(sink) }
        service:
          extensions: [bearertokenauth, bearertokenauth/admin]
          pipelines:
            traces: { receivers: [otlp], processors: [tokenaudit], exporters: [otlp_http] }
          admin: { endpoint: 127.0.0.1:0, auth: { authenticator: bearertokenauth/admin } }
          storage: { path: {dir}/storage }
        """
    }

    init() { setenv("TOKENAUDIT_TEST_GLOBEX_TOKEN", Self.globex, 1) }

    /// A one-span request whose resource claims `claimed` as its tenant.
    static func request(claimingTenant claimed: String?, name: String = "op") -> [UInt8] {
        var resource = ResourceModel(attributes: [KeyValueModel(key: "service.name", value: .string("svc"))])
        if let claimed { resource.attributes.append(KeyValueModel(key: "tokenaudit.tenant", value: .string(claimed))) }
        var span = SpanModel()
        span.traceID = Array(repeating: 1, count: 16)
        span.spanID = Array(repeating: 2, count: 8)
        span.name = name
        return TracesModel(resourceSpans: [ResourceSpansModel(resource: resource, scopeSpans: [ScopeSpansModel(spans: [span])])]).encode()
    }

    /// `tokenaudit.tenant` values on each resource of a traces request.
    static func tenants(in body: [UInt8]) -> [[String]] {
        body.withUnsafeBytes { raw in
            ExportTraceRequestView(bytes: raw).resourceSpans.map { group in
                (group.resource?.attributes ?? RepeatedMessages(bytes: raw, range: 0..<0, fieldNumber: 1))
                    .filter { $0.key.equals("tokenaudit.tenant") }
                    .map { $0.value?.stringValue?.string ?? "?" }
            }
        }
    }

    @Test func httpReceiverRefusesMissingAndWrongTokensAndStampsTheTenantOfAGoodOne() async throws {
        let sink = RecordingSink()
        let d = try await TestDaemon(yaml: Self.yaml(sink: await sink.baseURL))
        let url = await d.url("/v1/traces")

        let missing = try await OTLPClient.post(url, body: Self.request(claimingTenant: nil))
        #expect(missing.status == 401)
        #expect(missing.headers.first(name: "WWW-Authenticate") == #"Bearer realm="OTLP""#)
        #expect(missing.rpcStatus?.contains("code: 16") == true, "google.rpc.Status UNAUTHENTICATED")
        #expect(missing.rpcStatus?.contains("missing credentials") == true)

        let wrong = try await OTLPClient.post(url, body: Self.request(claimingTenant: nil), headers: [("Authorization", "Bearer acme-0123456789abcdeX")])
        #expect(wrong.status == 401)
        #expect(wrong.headers.first(name: "WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)
        #expect(!wrong.text.contains("acme-0123456789abcdeX"), "the presented token is never echoed")

        let basic = try await OTLPClient.post(url, body: Self.request(claimingTenant: nil),
                                              headers: [("Authorization", "Basic " + Data("x:\(Self.acme)".utf8).base64EncodedString())])
        #expect(basic.status == 401, "receivers take bearer tokens only")

        let json = try await OTLPClient.post(url, body: Array("{}".utf8), contentType: "application/json")
        #expect(json.status == 401)
        #expect(json.text.contains("\"code\":16"), "answered in the request's media type: \(json.text)")

        // A client claiming another tenant is stamped with its own.
        let acme = try await OTLPClient.post(url, body: Self.request(claimingTenant: "globex", name: "a"), headers: [("Authorization", "Bearer \(Self.acme)")])
        #expect(acme.status == 200)
        let globex = try await OTLPClient.post(url, body: Self.request(claimingTenant: nil, name: "g"), headers: [("authorization", "bearer \(Self.globex)")])
        #expect(globex.status == 200, "the scheme is case-insensitive; the token came from the environment")

        try await d.stop()
        try await sink.stop()
        let bodies = sink.received.filter { $0.path == "/v1/traces" }.map(\.body)
        #expect(bodies.count == 2, "only the two accepted requests were forwarded")
        #expect(Set(bodies.map(Self.tenants)) == [[["acme"]], [["globex"]]])
    }

    @Test func grpcReceiverAnswersUnauthenticatedWithoutAValidToken() async throws {
        let sink = RecordingSink()
        let d = try await TestDaemon(yaml: Self.yaml(sink: await sink.baseURL))
        let port = await d.daemon.receivers.values.first!.grpcAddress.port()
        let body = Self.request(claimingTenant: nil)

        let missing = try await OTLPGRPCClient.export(body, signal: .traces, port: port)
        #expect(missing.error?.code == .unauthenticated)
        let wrong = try await OTLPGRPCClient.export(body, signal: .traces, port: port, metadata: ["authorization": "Bearer nope-nope-nope-nope"])
        #expect(wrong.error?.code == .unauthenticated)
        #expect(wrong.error?.message == "the bearer token is not valid")
        let good = try await OTLPGRPCClient.export(body, signal: .traces, port: port, metadata: ["authorization": "Bearer \(Self.globex)"])
        #expect(good.error == nil)

        try await d.stop()
        try await sink.stop()
        #expect(sink.received.map { Self.tenants(in: $0.body) } == [[["globex"]]])
    }

    @Test func adminEndpointTakesItsOwnTokensAsBearerOrBasicAndHealthStaysOpen() async throws {
        let sink = RecordingSink()
        let d = try await TestDaemon(yaml: Self.yaml(sink: await sink.baseURL))
        let base = "http://127.0.0.1:\(await d.adminPort)"
        func get(_ path: String, _ authorization: String?) async throws -> OTLPClient.Answer {
            try await OTLPClient.post(base + path, body: [], contentType: nil,
                                      headers: authorization.map { [("Authorization", $0)] } ?? [], method: .GET)
        }

        for path in ["/api/v1/summary", "/metrics", "/", "/api/v1/principals"] {
            let anonymous = try await get(path, nil)
            #expect(anonymous.status == 401, "\(path)")
            #expect(anonymous.headers.first(name: "WWW-Authenticate")?.contains("Basic realm") == true, "a browser can prompt: \(path)")
            let receiverToken = try await get(path, "Bearer \(Self.acme)")
            #expect(receiverToken.status == 401, "a sender's token does not open the admin API: \(path)")
            // With no data yet the API answers 404 "no data yet": past the check.
            let admitted = try await get(path, "Bearer \(Self.admin)")
            #expect(admitted.status == 200 || admitted.text.contains("no data yet"), "\(path): \(admitted.status)")
        }
        let browser = try await get("/", "Basic " + Data("me:\(Self.admin)".utf8).base64EncodedString())
        #expect(browser.status == 200)
        #expect(browser.text.contains("<html"))

        let probe = try await get("/healthz", nil)
        #expect(probe.status == 200)
        #expect(probe.text == #"{"status":"ok"}"#, "anonymous probes learn only that it is up")
        let detailed = try await get("/healthz", "Bearer \(Self.admin)")
        #expect(detailed.text.contains("\"pipelines\""))
        try await d.stop()
        try await sink.stop()
    }

    @Test func aChangedTokensFileIsPickedUpAndABrokenOneKeepsThePreviousTokens() async throws {
        let sink = RecordingSink()
        let directory = TestFiles.temporaryDirectory()
        let file = directory + "/tokens"
        let first = "initech-first-0123456789", second = "initech-second-0123456789"
        try "# tenant token\ninitech \(first)\n".write(toFile: file, atomically: true, encoding: .utf8)
        let d = try await TestDaemon(yaml: Self.yaml(sink: await sink.baseURL, tokensFile: file, reloadInterval: "20ms"))
        let url = await d.url("/v1/traces")
        func status(_ token: String) async throws -> Int {
            try await OTLPClient.post(url, body: Self.request(claimingTenant: nil), headers: [("Authorization", "Bearer \(token)")]).status
        }
        #expect(try await status(first) == 200)
        #expect(try await status(second) == 401)

        // Rotation: the new token replaces the old one.
        try "initech \(second)\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await eventually { try await status(second) == 200 })
        #expect(try await status(first) == 401)
        #expect(try await status(Self.acme) == 200, "the config's own tokens stay")

        try await d.stop()
        try await sink.stop()
    }

    @Test func aBrokenTokensFileIsReportedOnceAndThePreviousTokensStay() throws {
        let file = TestFiles.temporaryDirectory() + "/tokens"
        try "initech initech-first-0123456789\n".write(toFile: file, atomically: true, encoding: .utf8)
        let auth = try BearerTokenAuthenticator(id: ComponentID("bearertokenauth"), config: BearerTokenAuthConfig(filename: file))
        #expect(try auth.reloadIfChanged() == nil, "unchanged")
        try "initech\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: CredentialFile.LoadError.self) { try auth.reloadIfChanged() }
        #expect(try auth.reloadIfChanged() == nil, "reported once, not on every poll")
        #expect(auth.tenant(authorization: "Bearer initech-first-0123456789") == .success("initech"))
        try "initech initech-second-0123456789\nhooli hooli-0123456789abcdef\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try auth.reloadIfChanged() == 2)
        #expect(auth.tenant(authorization: "Bearer hooli-0123456789abcdef") == .success("hooli"))
        #expect(auth.tenant(authorization: "Bearer initech-first-0123456789") == .failure(.unknownToken))
        #expect(throws: CredentialFile.LoadError.self, "a missing file stops the start") {
            _ = try BearerTokenAuthenticator(id: ComponentID("bearertokenauth"), config: BearerTokenAuthConfig(filename: file + ".missing"))
        }
    }

    @Test func configErrorsNameEveryAuthProblem() throws {
        let yaml = """
        extensions:
          bearertokenauth:
            tokens: [{ tenant: acme, token: short }, { tenant: "two words", token: 0123456789abcdef0123 }]
          bearertokenauth/idle:
            filename: ./tokens
        receivers:
          otlp:
            protocols:
              http: { auth: { authenticator: bearertokenauth/missing } }
              grpc: { auth: { authenticator: bearertokenauth/idle } }
        exporters:
          otlp_http:
            endpoint: http://127.0.0.1:1
            headers: { authorization: "Bearer ${env:TOKENAUDIT_TEST_SURELY_UNSET}" }
        service:
          extensions: [bearertokenauth]
          pipelines:
            traces: { receivers: [otlp], exporters: [otlp_http] }
        """
        #expect {
            _ = try TokenAuditConfig.parse(yaml: yaml, source: "t.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains("shorter than 16 characters")
                && text.contains("tenant must be a non-empty name without spaces")
                && text.contains("authenticator 'bearertokenauth/missing' is not defined under extensions")
                && text.contains("authenticator 'bearertokenauth/idle' is not enabled: add it to service.extensions")
                && text.contains("environment variable 'TOKENAUDIT_TEST_SURELY_UNSET' is not set")
        }
    }

    @Test func environmentReferencesExpandAsInTheCollector() throws {
        let expansion = EnvironmentExpansion(environment: ["A": "1", "TOKEN": "s3cret"])
        #expect(try expansion.expand("Bearer ${env:TOKEN}") == "Bearer s3cret")
        #expect(try expansion.expand("${A}-${env:A}") == "1-1")
        #expect(try expansion.expand("cost $$5 and $x") == "cost $5 and $x")
        #expect(throws: EnvironmentExpansion.Failure.unset("B")) { try expansion.expand("${env:B}") }
        #expect(throws: EnvironmentExpansion.Failure.unterminated) { try expansion.expand("${env:A") }
    }

    @Test func tokensAreComparedWholeAndOnlyTheSchemeIsCaseInsensitive() throws {
        let auth = try BearerTokenAuthenticator(id: ComponentID("bearertokenauth"), config: BearerTokenAuthConfig(tokens: [
            .init(tenant: "a", token: "AbCdEfGhIjKlMnOpQr"), .init(tenant: "b", token: "AbCdEfGhIjKlMnOpQrS"),
        ]))
        #expect(auth.tenant(authorization: "Bearer AbCdEfGhIjKlMnOpQr") == .success("a"))
        #expect(auth.tenant(authorization: "BEARER AbCdEfGhIjKlMnOpQrS") == .success("b"))
        #expect(auth.tenant(authorization: "Bearer abcdefghijklmnopqr") == .failure(.unknownToken))
        #expect(auth.tenant(authorization: "Bearer AbCdEfGhIjKlMnOpQ") == .failure(.unknownToken), "a prefix is not a match")
        #expect(auth.tenant(authorization: "Bearer") == .failure(.malformed))
        #expect(auth.tenant(authorization: "Bearer ") == .failure(.malformed))
        #expect(auth.tenant(authorization: nil) == .failure(.missing))
        #expect(auth.tenant(authorization: "Basic " + Data("u:AbCdEfGhIjKlMnOpQr".utf8).base64EncodedString()) == .failure(.malformed))
        #expect(auth.tenant(authorization: "Basic " + Data("u:AbCdEfGhIjKlMnOpQr".utf8).base64EncodedString(), allowBasic: true) == .success("a"))
        #expect(auth.tenant(authorization: "Basic !!!", allowBasic: true) == .failure(.malformed))
    }
}
