import Foundation
import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// Real fixtures in, over a real socket, forwarded by `otlp_http` to a real
/// downstream server: what arrives decodes in libprotobuf-c to the same spans
/// and log records that were sent.
@Suite(.serialized) struct ForwardingTests {
    @Test func everyFixtureArrivesDownstreamIntactAsProtobufJSONAndGzip() async throws {
        let sink = RecordingSink()
        // Content redaction is off here: this test is about bytes arriving
        // intact (ContentRedactionTests covers what redaction leaves out).
        let daemon = try await TestDaemon(yaml: TestDaemon.yaml(
            exporters: "  otlp_http: { endpoint: \(await sink.baseURL), headers: { x-tenant: acme } }",
            exporterIDs: ["otlp_http"], intact: true))
        let captures = try Fixtures.all()
        var expected: [(path: String, dump: String)] = []
        for capture in captures {
            let path = capture.isTraces ? "/v1/traces" : "/v1/logs"
            let url = await daemon.url(path)
            let dump = try #require(capture.isTraces ? Reference.traces(capture.protobuf) : Reference.logs(capture.protobuf))
            #expect(try await OTLPClient.post(url, body: capture.protobuf).status == 200, "\(capture.name)")
            #expect(try await OTLPClient.post(url, body: capture.json, contentType: "application/json").status == 200, "\(capture.name)")
            #expect(try await OTLPClient.post(url, body: try OTLPClient.gzip(capture.protobuf),
                                              headers: [("Content-Encoding", "gzip")]).status == 200, "\(capture.name)")
            expected += Array(repeating: (path, dump), count: 3)
        }
        try await daemon.stop()
        try await sink.stop()

        let received = sink.received
        #expect(received.count == expected.count)
        // One pipeline per signal keeps each signal's order; compare per signal.
        for path in ["/v1/traces", "/v1/logs"] {
            let sent = expected.filter { $0.path == path }.map(\.dump)
            let arrived = received.filter { $0.path == path }.map { r in
                path == "/v1/traces" ? Reference.traces(r.body) : Reference.logs(r.body)
            }
            #expect(arrived.count == sent.count)
            // The exporter sends several batches at once (num_consumers), so
            // arrival order is not send order: compare as multisets.
            let originals = arrived.map { a in a.map { Reference.removingAttributes(withPrefix: "tokenaudit.", from: $0) } ?? "unreadable" }
            for (index, (a, s)) in zip(originals.sorted(), sent.sorted()).enumerated() {
                #expect(a == s, "\(path) request \(index) (sorted) differs after forwarding, beyond the tokenaudit.* attributes")
            }
        }
        // Every LLM span of every dialect was attributed to the fixtures' user;
        // the app's own parent span (handle_request) was left alone.
        let tracesArrived = received.filter { $0.path == "/v1/traces" }.compactMap { Reference.traces($0.body) }
        let llmSpans = tracesArrived.joined().components(separatedBy: "key: \"tokenaudit.principal\"").count - 1
        #expect(llmSpans == 3 * 12, "4 LLM calls x 3 dialects, each posted 3 times")
        #expect(tracesArrived.joined().components(separatedBy: "string_value: \"alice@example.com\"").count > llmSpans)
        #expect(received.allSatisfy { $0.contentEncoding == "gzip" })
        #expect(received.allSatisfy { $0.headers["x-tenant"] == "acme" })
        let exporter = try #require(daemon.daemon.exporters[ComponentID("otlp_http")])
        let items = captures.reduce(0) { total, c in
            total + 3 * c.protobuf.withUnsafeBytes { raw in
                c.isTraces ? ExportTraceRequestView(bytes: raw).spanCount : ExportLogsRequestView(bytes: raw).logRecordCount
            }
        }
        #expect(exporter.stats.sent == items)
        #expect(exporter.stats.failed == 0)
    }
}

/// The exporter's retry rules against a real server scripted to fail.
@Suite(.serialized) struct OTLPHTTPExporterTests {
    func run(script: [RecordingSink.Reply], retry: String = "retry_on_failure: { initial_interval: 10ms, max_interval: 50ms, max_elapsed_time: 10s }")
        async throws -> (sink: RecordingSink, stats: ExporterStats)
    {
        let sink = RecordingSink()
        sink.script(script)
        let daemon = try await TestDaemon(yaml: TestDaemon.yaml(
            exporters: "  otlp_http: { endpoint: \(await sink.baseURL), \(retry) }", exporterIDs: ["otlp_http"]))
        let capture = try #require(try Fixtures.all().first { $0.isTraces })
        #expect(try await OTLPClient.post(await daemon.url("/v1/traces"), body: capture.protobuf).status == 200)
        try await daemon.stop()
        try await sink.stop()
        return (sink, try #require(daemon.daemon.exporters[ComponentID("otlp_http")]).stats)
    }

    @Test(arguments: [429, 502, 503, 504])
    func retryableStatusesAreRetriedUntilDelivered(status: Int) async throws {
        let (sink, stats) = try await run(script: [
            .init(status: .init(code: status), headers: [.retryAfter: "0"]),
            .init(status: .init(code: status)),
        ])
        #expect(sink.received.count == 3)
        #expect(stats.retried == 2)
        #expect(stats.sent > 0)
        #expect(stats.failed == 0)
    }

    @Test(arguments: [400, 401, 403, 404, 413, 500])
    func otherStatusesAreNeverRetried(status: Int) async throws {
        let (sink, stats) = try await run(script: [.init(status: .init(code: status))])
        #expect(sink.received.count == 1)
        #expect(stats.retried == 0)
        #expect(stats.sent == 0)
        #expect(stats.failed > 0)
    }

    @Test func partialSuccessIsCountedAndNotRetried() async throws {
        var body = ProtoWriter()
        body.message(1) { p in p.varintField(1, 1); p.stringField(2, "one span was too old") }
        let (sink, stats) = try await run(script: [.init(status: .ok, headers: [.contentType: "application/x-protobuf"], body: body.bytes)])
        #expect(sink.received.count == 1)
        #expect(stats.failed == 1)
        #expect(stats.retried == 0)
    }

    @Test func retriesStopAtMaxElapsedTime() async throws {
        // A budget of 1 s at 20 ms (jittered, ≥ 10 ms) allows at most ~100 attempts:
        // well under the 1,000 scripted failures, and wide enough that a loaded
        // machine still gets a second attempt in.
        let failures = Array(repeating: RecordingSink.Reply(status: .serviceUnavailable), count: 1000)
        let (sink, stats) = try await run(
            script: failures, retry: "retry_on_failure: { initial_interval: 20ms, max_interval: 20ms, max_elapsed_time: 1s }")
        #expect(sink.received.count >= 2)
        #expect(sink.received.count < 200)
        #expect(stats.failed > 0)
        #expect(stats.sent == 0)
    }

    @Test func backoffGrowsIsCappedAndJittered() {
        var config = RetryConfig()
        config.initialInterval = .seconds(1)
        config.maxInterval = .seconds(10)
        config.multiplier = 2
        config.randomizationFactor = 0.5
        let policy = ExportRetryPolicy(config: config)
        #expect(policy.backoff(attempt: 0, random: 0.5) == .seconds(1))
        #expect(policy.backoff(attempt: 3, random: 0.5) == .seconds(8))
        #expect(policy.backoff(attempt: 9, random: 0.5) == .seconds(10))
        #expect(policy.backoff(attempt: 0, random: 0) == .milliseconds(500))
        #expect(policy.backoff(attempt: 0, random: 1) == .milliseconds(1500))
        #expect(policy.allowsRetry(elapsed: .seconds(299), wait: .seconds(1)))
        #expect(!policy.allowsRetry(elapsed: .seconds(299), wait: .seconds(2)))
    }

    @Test func retryAfterAcceptsSecondsAndHTTPDates() {
        #expect(ExportRetryPolicy.retryAfter("7") == .seconds(7))
        #expect(ExportRetryPolicy.retryAfter(nil) == nil)
        #expect(ExportRetryPolicy.retryAfter("soon") == nil)
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
        #expect(ExportRetryPolicy.retryAfter("Tue, 14 Nov 2023 22:13:50 GMT", now: now) == .seconds(30))
    }
}
