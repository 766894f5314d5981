import GRPCCore
import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// The `otlp_grpc` exporter against a real gRPC backend.
@Suite(.serialized) struct OTLPGRPCExporterTests {
    func run(script: [RPCError], retry: String = "retry_on_failure: { initial_interval: 10ms, max_interval: 50ms, max_elapsed_time: 10s }")
        async throws -> (sink: RecordingGRPCSink, stats: ExporterStats)
    {
        let sink = RecordingGRPCSink()
        sink.script(script)
        let port = try await sink.port
        let daemon = try await TestDaemon(yaml: TestDaemon.yaml(
            exporters: "  otlp_grpc: { endpoint: 127.0.0.1:\(port), headers: { X-Tenant: acme }, \(retry) }", exporterIDs: ["otlp_grpc"]))
        let capture = try #require(try Fixtures.all().first { $0.isTraces })
        #expect(try await OTLPClient.post(await daemon.url("/v1/traces"), body: capture.protobuf).status == 200)
        try await daemon.stop()
        await sink.stop()
        return (sink, try #require(daemon.daemon.exporters[ComponentID("otlp_grpc")]).stats)
    }

    @Test func everyFixtureIsForwardedIntactWithHeadersAsMetadata() async throws {
        let sink = RecordingGRPCSink()
        let port = try await sink.port
        let daemon = try await TestDaemon(yaml: TestDaemon.yaml(
            exporters: "  otlp_grpc: { endpoint: \"http://127.0.0.1:\(port)\", headers: { X-Tenant: acme } }", exporterIDs: ["otlp_grpc"],
            intact: true))
        let captures = try Fixtures.all()
        for capture in captures {
            #expect(try await OTLPClient.post(await daemon.url(capture.isTraces ? "/v1/traces" : "/v1/logs"), body: capture.protobuf).status == 200)
        }
        try await daemon.stop()
        await sink.stop()
        for signal in Signal.allCases {
            let sent = captures.filter { ($0.isTraces ? Signal.traces : .logs) == signal }
                .map { signal == .traces ? Reference.traces($0.protobuf) : Reference.logs($0.protobuf) }
            let arrived = sink.received.filter { $0.signal == signal }.map {
                (signal == .traces ? Reference.traces($0.body) : Reference.logs($0.body))
                    .map { Reference.removingAttributes(withPrefix: "tokenaudit.", from: $0) }
            }
            // Up to `num_consumers` (10) exports run at once, so arrival order
            // is not send order: compare as multisets.
            #expect(arrived.compactMap { $0 }.sorted() == sent.compactMap { $0 }.sorted(), "\(signal)")
            #expect(arrived.count == sent.count && !sent.contains(nil))
        }
        #expect(sink.received.allSatisfy { $0.metadata["x-tenant"] == "acme" })
    }

    @Test(arguments: [RPCError.Code.unavailable, .deadlineExceeded, .aborted, .cancelled, .dataLoss, .outOfRange])
    func transientCodesAreRetried(code: RPCError.Code) async throws {
        let (sink, stats) = try await run(script: [RPCError(code: code, message: "later"), RPCError(code: code, message: "later")])
        #expect(sink.received.count == 3)
        #expect(stats.retried == 2)
        #expect(stats.failed == 0 && stats.sent > 0)
    }

    @Test(arguments: [RPCError.Code.invalidArgument, .permissionDenied, .unauthenticated, .internalError, .unimplemented, .resourceExhausted])
    func otherCodesAreFinal(code: RPCError.Code) async throws {
        let (sink, stats) = try await run(script: [RPCError(code: code, message: "no")])
        #expect(sink.received.count == 1)
        #expect(stats.retried == 0 && stats.sent == 0 && stats.failed > 0)
    }

    @Test func resourceExhaustedWithRetryInfoIsRetried() async throws {
        let (sink, stats) = try await run(script: [RecordingGRPCSink.withRetryInfo(.resourceExhausted)])
        #expect(sink.received.count == 2)
        #expect(stats.retried == 1 && stats.failed == 0)
        #expect(OTLPGRPCExporter.retryInfo(RecordingGRPCSink.withRetryInfo(.unavailable).metadata) == .zero)
    }

    @Test func oneDaemonForwardsToAnotherOverGRPC() async throws {
        let downstream = try await TestDaemon(yaml: OTLPGRPCReceiverTests.yaml(
            exporters: "  file: { path: {dir}/out.jsonl }", exporterIDs: ["file"], intact: true))
        let grpcPort = await downstream.daemon.receivers.values.first!.grpcAddress.port()
        let upstream = try await TestDaemon(yaml: TestDaemon.yaml(
            exporters: "  otlp_grpc: { endpoint: 127.0.0.1:\(grpcPort) }", exporterIDs: ["otlp_grpc"], intact: true))
        let capture = try #require(try Fixtures.all().first { $0.isTraces && $0.name.hasPrefix("openinference") })
        #expect(try await OTLPClient.post(await upstream.url("/v1/traces"), body: capture.protobuf).status == 200)
        try await upstream.stop()
        try await downstream.stop()
        let lines = TestFiles.lines("\(downstream.directory)/out.jsonl")
        #expect(lines.count == 1)
        let protobuf = try OTLPJSONDecoder.protobuf(fromJSON: Array(lines[0].utf8), as: OTLPSchema.exportTraceRequest)
        let dump = try #require(Reference.traces(protobuf))
        #expect(Reference.removingAttributes(withPrefix: "tokenaudit.", from: dump) == Reference.traces(capture.protobuf))
        #expect(dump.components(separatedBy: "key: \"tokenaudit.principal\"").count - 1 == 1, "enriched once, not twice")
    }
}
