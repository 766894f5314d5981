import Foundation
import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// Every OTLP/HTTP behaviour of DESIGN.md §5, over a real socket with a real
/// client; error bodies are decoded by libprotobuf-c.
@Suite(.serialized) struct OTLPHTTPReceiverTests {
    static let fileYAML = TestDaemon.yaml(
        exporters: "  file: { path: {dir}/out.jsonl }", exporterIDs: ["file"],
        receiverExtra: "        max_request_body_size: 65536")

    func withDaemon(_ yaml: String = fileYAML, _ body: (TestDaemon) async throws -> Void) async throws {
        let daemon = try await TestDaemon(yaml: yaml)
        do {
            try await body(daemon)
        } catch {
            try? await daemon.stop()
            throw error
        }
        try await daemon.stop()
    }

    func traces() throws -> Fixtures.Capture {
        try #require(try Fixtures.all().first { $0.isTraces && $0.name.hasPrefix("openllmetry") })
    }

    @Test func acceptsProtobufJSONAndGzipAndAnswersInTheRequestsType() async throws {
        let capture = try traces()
        try await withDaemon { d in
            let url = await d.url("/v1/traces")
            let proto = try await OTLPClient.post(url, body: capture.protobuf)
            #expect(proto.status == 200)
            #expect(proto.headers.first(name: "Content-Type") == "application/x-protobuf")
            #expect(proto.body.isEmpty, "an empty ExportTraceServiceResponse: no partial success")

            let json = try await OTLPClient.post(url, body: capture.json, contentType: "application/json; charset=utf-8")
            #expect(json.status == 200)
            #expect(json.headers.first(name: "Content-Type") == "application/json")
            #expect(json.text == "{}")

            let gz = try await OTLPClient.post(url, body: try OTLPClient.gzip(capture.protobuf), headers: [("Content-Encoding", "gzip")])
            #expect(gz.status == 200)

            let empty = try await OTLPClient.post(url, body: [])
            #expect(empty.status == 200)
        }
    }

    @Test func malformedProtobufIs400WithAStatusNamingTheField() async throws {
        try await withDaemon { d in
            // resource_spans { scope_spans { spans { trace_id: 3 bytes } } }
            let bad: [UInt8] = [0x0A, 0x09, 0x12, 0x07, 0x12, 0x05, 0x0A, 0x03, 1, 2, 3]
            let answer = try await OTLPClient.post(await d.url("/v1/traces"), body: bad)
            #expect(answer.status == 400)
            #expect(answer.headers.first(name: "Content-Type") == "application/x-protobuf")
            let status = try #require(answer.rpcStatus, "the body must be a google.rpc.Status")
            #expect(status.contains("code: 3"))
            #expect(status.contains("resource_spans[0].scope_spans[0].spans[0].trace_id"))
            #expect(status.contains("id must be 16 bytes"))
        }
    }

    @Test func malformedJSONIs400WithAJSONStatus() async throws {
        try await withDaemon { d in
            let answer = try await OTLPClient.post(
                await d.url("/v1/logs"), body: Array(#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"soon"}]}]}]}"#.utf8),
                contentType: "application/json")
            #expect(answer.status == 400)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
            #expect(object["code"] as? Int == 3)
            let message = try #require(object["message"] as? String)
            #expect(message.contains("resource_logs[0].scope_logs[0].log_records[0].time_unix_nano"))
        }
    }

    @Test func oversizedBodiesAre413WhetherDeclaredStreamedOrGzipped() async throws {
        try await withDaemon { d in
            let url = await d.url("/v1/traces")
            var big = ProtoWriter()
            big.message(1) { $0.stringField(3, String(repeating: "x", count: 70_000)) }

            let declared = try await OTLPClient.post(url, body: big.bytes)
            #expect(declared.status == 413)
            #expect(declared.rpcStatus?.contains("exceeds the limit of 65536 bytes") == true)

            let streamed = try await OTLPClient.post(url, body: big.bytes, chunked: true)
            #expect(streamed.status == 413)
            #expect(streamed.rpcStatus?.contains("exceeds the limit of 65536 bytes") == true)

            // A gzip bomb: 30 KB that inflates to 2 MB is refused, not expanded.
            var bomb = ProtoWriter()
            bomb.message(1) { $0.stringField(3, String(repeating: "a", count: 2_000_000)) }
            let compressed = try OTLPClient.gzip(bomb.bytes)
            #expect(compressed.count < 65_536)
            let refused = try await OTLPClient.post(url, body: compressed, headers: [("Content-Encoding", "gzip")])
            #expect(refused.status == 413)
            #expect(refused.rpcStatus?.contains("after decompression") == true)

            let corrupt = try await OTLPClient.post(url, body: [0x1F, 0x8B, 0, 1, 2, 3], headers: [("Content-Encoding", "gzip")])
            #expect(corrupt.status == 400)
            #expect(corrupt.rpcStatus?.contains("not valid gzip") == true)
        }
    }

    @Test func unsupportedMediaTypesAndEncodingsAre415() async throws {
        try await withDaemon { d in
            let url = await d.url("/v1/traces")
            let text = try await OTLPClient.post(url, body: Array("hi".utf8), contentType: "text/plain")
            #expect(text.status == 415)
            #expect(text.text.contains("unsupported Content-Type 'text/plain'"))

            let missing = try await OTLPClient.post(url, body: [], contentType: nil)
            #expect(missing.status == 415)

            let brotli = try await OTLPClient.post(url, body: [1], headers: [("Content-Encoding", "br")])
            #expect(brotli.status == 415)
            #expect(brotli.rpcStatus?.contains("unsupported Content-Encoding 'br'") == true)
        }
    }

    @Test func wrongMethodIs405AndUnknownPathsAre404() async throws {
        try await withDaemon { d in
            let get = try await OTLPClient.post(await d.url("/v1/traces"), body: [], method: .GET)
            #expect(get.status == 405)
            #expect(get.headers.first(name: "Allow") == "POST")
            let put = try await OTLPClient.post(await d.url("/v1/logs"), body: [], method: .PUT)
            #expect(put.status == 405)
            #expect(put.rpcStatus?.contains("PUT is not allowed on /v1/logs") == true)
            let metrics = try await OTLPClient.post(await d.url("/v1/metrics"), body: [])
            #expect(metrics.status == 404)
        }
    }

    @Test func aFullPipelineAnswers503WithRetryAfterAndRecovers() async throws {
        // Downstream holds every request, so the exporter (queue of 1) and the
        // pipeline (queue of 1, which also counts the request held for
        // decision_wait) fill up; the next request must be refused.
        let sink = RecordingSink()
        sink.hold()
        let yaml = TestDaemon.yaml(
            exporters: "  otlp_http: { endpoint: \(await sink.baseURL), compression: none, sending_queue: { queue_size: 1 } }",
            exporterIDs: ["otlp_http"], queue: ", queue: { max_requests: 1 }")
        let capture = try traces()
        try await withDaemon(yaml) { d in
            let url = await d.url("/v1/traces")
            var statuses: [Int] = []
            var refusal: OTLPClient.Answer?
            for _ in 0..<8 {
                let answer = try await OTLPClient.post(url, body: capture.protobuf)
                statuses.append(answer.status)
                if answer.status == 503 { refusal = answer; break }
            }
            let refused = try #require(refusal, "never refused: \(statuses)")
            #expect(refused.headers.first(name: "Retry-After") == "1")
            #expect(refused.rpcStatus?.contains("code: 14") == true)
            #expect(refused.rpcStatus?.contains("is full; retry later") == true)
            let accepted = statuses.filter { $0 == 200 }.count
            #expect(accepted >= 1)

            // Once downstream answers, the backlog drains and new data is taken again.
            sink.release()
            var retried = 0
            while try await OTLPClient.post(url, body: capture.protobuf).status == 503 {
                retried += 1
                try await Task.sleep(for: .milliseconds(20))
                #expect(retried < 500)
                if retried >= 500 { break }
            }
            try await d.stop()
            #expect(sink.received.count == accepted + 1, "every accepted request reached downstream, none twice")
        }
        try await sink.stop()
    }

    /// Under overload a refusal costs no decoding: while the pipeline is
    /// full, a plain protobuf request is refused before it is validated (a
    /// broken one gets 503 then, 400 once there is room), its spans are
    /// counted as refused all the same, and a request without spans is
    /// still answered 200.
    @Test func aFullPipelineRefusesBeforeDecodingAndCountsWhatItRefused() async throws {
        PrometheusMetrics.bootstrap()
        let sink = RecordingSink()
        sink.hold()
        // A pipeline of its own: the refused-items counter is per process.
        let pipeline = "traces/early-\(UUID().uuidString.prefix(8).lowercased())"
        let yaml = TestDaemon.yaml(
            exporters: "  otlp_http: { endpoint: \(await sink.baseURL), compression: none, sending_queue: { queue_size: 1 } }",
            exporterIDs: ["otlp_http"], queue: ", queue: { max_requests: 1 }")
            .replacingOccurrences(of: "    traces: {", with: "    \(pipeline): {")
        let capture = try traces()
        let spans = capture.protobuf.withUnsafeBytes { ExportTraceRequestView(bytes: $0).spanCount }
        // The first span name's first byte made invalid UTF-8: the structure (and the span count) intact.
        var broken = capture.protobuf
        let name = try #require(broken.withUnsafeBytes { raw in
            var first: Int?
            ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in if first == nil, !span.name.range.isEmpty { first = span.name.range.lowerBound } }
            return first
        })
        broken[name] = 0xFF
        func refusedItems() -> Double {
            let exposition = String(decoding: PrometheusMetrics.render(), as: UTF8.self)
            return VerdictBookkeepingTests.value("tokenaudit_receiver_refused_items_total", ["pipeline": pipeline], in: exposition) ?? 0
        }
        try await withDaemon(yaml) { d in
            let url = await d.url("/v1/traces")
            var full = false
            for _ in 0..<8 where !full { full = try await OTLPClient.post(url, body: capture.protobuf).status == 503 }
            #expect(full, "never refused")
            let before = refusedItems()
            #expect(try await OTLPClient.post(url, body: broken).status == 503, "refused before it was validated")
            #expect(refusedItems() == before + Double(spans), "its spans counted as refused")
            #expect(try await OTLPClient.post(url, body: []).status == 200, "nothing to refuse")

            sink.release()
            var status = 503
            for _ in 0..<500 where status == 503 {
                status = try await OTLPClient.post(url, body: broken).status
                if status == 503 { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(status == 400, "once there is room the same bytes are decoded, and refused as malformed")
        }
        try await sink.stop()
    }
}
