import GRPCCore
import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// OTLP/gRPC with a real grpc-swift client over a real socket.
@Suite(.serialized) struct OTLPGRPCReceiverTests {
    static func yaml(exporters: String, exporterIDs: [String], queue: String = "", intact: Bool = false) -> String {
        TestDaemon.yaml(exporters: exporters, exporterIDs: exporterIDs, queue: queue, intact: intact)
            .replacingOccurrences(of: "      grpc:\n        endpoint: 127.0.0.1:0", with: "      grpc:\n        endpoint: 127.0.0.1:0\n        max_recv_msg_size_mib: 1")
    }

    func grpcPort(_ d: TestDaemon) async -> Int { await d.daemon.receivers.values.first!.grpcAddress.port() }

    @Test func fixturesExportedOverGRPCArriveDownstreamIntact() async throws {
        let sink = RecordingSink()
        let d = try await TestDaemon(yaml: Self.yaml(exporters: "  otlp_http: { endpoint: \(await sink.baseURL) }", exporterIDs: ["otlp_http"], intact: true))
        let port = await grpcPort(d)
        let captures = try Fixtures.all()
        for (index, capture) in captures.enumerated() {
            let outcome = try await OTLPGRPCClient.export(capture.protobuf, signal: capture.isTraces ? .traces : .logs, port: port, gzip: index % 2 == 0)
            #expect(outcome.error == nil, "\(capture.name): \(String(describing: outcome.error))")
            #expect(outcome.response.isEmpty, "no partial success")
        }
        try await d.stop()
        try await sink.stop()
        for path in ["/v1/traces", "/v1/logs"] {
            let sent = captures.filter { ($0.isTraces ? "/v1/traces" : "/v1/logs") == path }
                .map { $0.isTraces ? Reference.traces($0.protobuf) : Reference.logs($0.protobuf) }
            let arrived = sink.received.filter { $0.path == path }.map { r in
                (path == "/v1/traces" ? Reference.traces(r.body) : Reference.logs(r.body))
                    .map { Reference.removingAttributes(withPrefix: "tokenaudit.", from: $0) }
            }
            // Several batches are forwarded at once: compare as multisets.
            #expect(arrived.compactMap { $0 }.sorted() == sent.compactMap { $0 }.sorted(), "\(path)")
            #expect(arrived.count == sent.count)
        }
    }

    @Test func badDataIsInvalidArgumentAndOversizedIsResourceExhausted() async throws {
        let d = try await TestDaemon(yaml: Self.yaml(exporters: "  file: { path: {dir}/out.jsonl }", exporterIDs: ["file"]))
        let port = await grpcPort(d)
        let bad = try await OTLPGRPCClient.export([0x0A, 0x09, 0x12, 0x07, 0x12, 0x05, 0x0A, 0x03, 1, 2, 3], signal: .traces, port: port)
        #expect(bad.error?.code == .invalidArgument)
        #expect(bad.error?.message.contains("resource_spans[0].scope_spans[0].spans[0].trace_id") == true)

        var big = ProtoWriter()
        big.message(1) { $0.stringField(3, String(repeating: "x", count: 1_200_000)) }
        let tooLarge = try await OTLPGRPCClient.export(big.bytes, signal: .traces, port: port)
        #expect(tooLarge.error?.code == .resourceExhausted)

        let empty = try await OTLPGRPCClient.export([], signal: .logs, port: port)
        #expect(empty.error == nil)
        try await d.stop()
    }

    @Test func aFullPipelineIsUnavailableWithRetryInfo() async throws {
        let sink = RecordingSink()
        sink.hold()
        let d = try await TestDaemon(yaml: Self.yaml(
            exporters: "  otlp_http: { endpoint: \(await sink.baseURL), sending_queue: { queue_size: 1 } }",
            exporterIDs: ["otlp_http"], queue: ", queue: { max_requests: 1 }"))
        let port = await grpcPort(d)
        let capture = try #require(try Fixtures.all().first { $0.isTraces })
        var refusal: RPCError?
        for _ in 0..<8 where refusal == nil {
            refusal = try await OTLPGRPCClient.export(capture.protobuf, signal: .traces, port: port).error
        }
        let error = try #require(refusal)
        #expect(error.code == .unavailable)
        let details = try #require(error.metadata[binaryValues: "grpc-status-details-bin"].first { _ in true })
        let status = try #require(Reference.dump(details, kind: TA_REF_RPC_STATUS))
        #expect(status.contains("code: 14"))
        #expect(status.contains("type_url: \"type.googleapis.com/google.rpc.RetryInfo\""))
        #expect(status.contains("value: 0a020801"), "RetryInfo { retry_delay { seconds: 1 } }")
        sink.release()
        try await d.stop()
        try await sink.stop()
    }
}

import CProtobufReference
