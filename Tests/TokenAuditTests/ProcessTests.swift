import Foundation
import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// The real executable: SIGTERM with a backlog in flight, `validate`, `replay`.
@Suite(.serialized) struct ProcessTests {
    @Test func sigtermDeliversEveryAcceptedRequestBeforeExiting() async throws {
        let sink = RecordingSink()
        sink.hold()  // downstream stalls: accepted requests pile up inside the daemon
        let directory = TestFiles.temporaryDirectory()
        let config = """
            receivers:
              otlp: { protocols: { http: { endpoint: 127.0.0.1:0 } } }
            processors:
              tokenaudit: {}
            exporters:
              otlp_http: { endpoint: \(await sink.baseURL), sending_queue: { queue_size: 1000 } }
              file: { path: \(directory)/out.jsonl }
            service:
              pipelines:
                traces: { receivers: [otlp], processors: [tokenaudit], exporters: [otlp_http, file], queue: { max_requests: 1000 } }
              admin: { endpoint: 127.0.0.1:0 }
              storage: { path: \(directory)/data }
            """
        try config.write(toFile: "\(directory)/config.yaml", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(["serve", "--config", "\(directory)/config.yaml"], directory: directory)
        let port = try #require(try await daemon.waitForLog(#"address=127\.0\.0\.1:(\d+) receiver=otlp"#), "\(daemon.log)")
        let url = "http://127.0.0.1:\(port)/v1/traces"
        #expect(daemon.log.contains("listening on loopback only"), "the start says who can connect: \(daemon.log)")
        #expect(daemon.log.contains("security=plaintext, no authentication"))

        var random = RandomRequests(seed: 2026)
        var acceptedSpans = 0
        var acceptedRequests = 0
        for _ in 0..<150 {
            let model = random.traces(maxSpans: 5)
            let body = model.encode()
            let spans = body.withUnsafeBytes { ExportTraceRequestView(bytes: $0).spanCount }
            if try await OTLPClient.post(url, body: body).status == 200, spans > 0 {
                acceptedSpans += spans
                acceptedRequests += 1
            }
        }
        #expect(acceptedRequests > 100)

        daemon.signal(SIGTERM)
        // The receiver closes first; only then let downstream answer, so the
        // whole backlog is drained during shutdown.
        var refused = false
        for _ in 0..<1000 where !refused {
            refused = await !OTLPClient.canConnect(port: Int(port) ?? 0)
            if !refused { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(refused, "the receiver kept accepting after SIGTERM")
        #expect(sink.received.count < acceptedRequests, "the backlog had drained before the signal")
        sink.release()

        let status = try await daemon.waitForExit()
        #expect(status == 0, "\(daemon.log)")
        try await sink.stop()
        let delivered = sink.received.reduce(0) { $0 + $1.body.withUnsafeBytes { ExportTraceRequestView(bytes: $0).spanCount } }
        #expect(delivered == acceptedSpans, "spans accepted before SIGTERM must all reach the exporter")
        let written = TestFiles.lines("\(directory)/out.jsonl").count
        #expect(written == acceptedRequests)
    }

    @Test func validateReportsEveryProblemWithKeyPathAndLine() async throws {
        let directory = TestFiles.temporaryDirectory()
        try """
            receivers:
              otlp:
                protocols:
                  http: { endpoint: 127.0.0.1:4318, max_body: 5 }
            exporters:
              file: { path: ./x.jsonl }
              otlp_http: { endpoint: localhost:4318, retry_on_failure: { initial_interval: soon } }
            service:
              pipelines:
                traces: { receivers: [otlp], exporters: [file, nowhere] }
              colour: blue
            """.write(toFile: "\(directory)/bad.yaml", atomically: true, encoding: .utf8)
        let run = try DaemonProcess(["validate", "--config", "\(directory)/bad.yaml"], directory: directory)
        #expect(try await run.waitForExit() == 1)
        let log = run.log
        #expect(log.contains("line 4: receivers.otlp.protocols.http.max_body: unknown key 'max_body'"), "\(log)")
        #expect(log.contains("line 7: exporters.otlp_http.endpoint: must be an http:// or https:// URL"), "\(log)")
        #expect(log.contains("exporters.otlp_http.retry_on_failure.initial_interval: expected a duration"), "\(log)")
        #expect(log.contains("line 11: service.colour: unknown key 'colour'"), "\(log)")
        #expect(log.contains("exporter 'nowhere' is not defined under exporters"), "\(log)")

        let good = try DaemonProcess(["validate"], directory: directory)
        #expect(try await good.waitForExit() == 0)
        #expect(good.log.contains("(embedded default): configuration is valid"))
    }

    @Test func replayPushesRecordedOTLPThroughThePipelines() async throws {
        let directory = TestFiles.temporaryDirectory()
        try """
            receivers:
              otlp: { protocols: { http: { endpoint: 127.0.0.1:0 } } }
            exporters:
              file: { path: \(directory)/replayed.jsonl }
            service:
              pipelines:
                traces: { receivers: [otlp], exporters: [file] }
                logs: { receivers: [otlp], exporters: [file] }
              storage: { path: \(directory)/data }
            """.write(toFile: "\(directory)/config.yaml", atomically: true, encoding: .utf8)
        let captures = try Fixtures.all()
        let folder = Fixtures.root.path
        let files = captures.map { "\(folder)/\($0.name).binpb" } + captures.prefix(3).map { "\(folder)/\($0.name).json" }
        let run = try DaemonProcess(["replay", "--config", "\(directory)/config.yaml"] + files, directory: directory)
        #expect(try await run.waitForExit() == 0, "\(run.log)")
        #expect(run.log.contains("replayed \(files.count) requests"), "\(run.log)")

        // Each line is OTLP/JSON that transcodes back to a request replayed.
        // Traces and logs run in separate pipelines, so only each signal's
        // own order is kept: compare the lines as a multiset.
        let lines = TestFiles.lines("\(directory)/replayed.jsonl")
        #expect(lines.count == files.count)
        let written = try lines.map { line in
            let schema = line.hasPrefix("{\"resourceLogs\"") ? OTLPSchema.exportLogsRequest : OTLPSchema.exportTraceRequest
            return try OTLPJSONDecoder.protobuf(fromJSON: Array(line.utf8), as: schema)
        }
        let replayed = captures.map(\.protobuf) + captures.prefix(3).map(\.protobuf)
        #expect(written.sorted { $0.lexicographicallyPrecedes($1) } == replayed.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func sighupReloadsTheTeamDirectory() async throws {
        let directory = TestFiles.temporaryDirectory()
        try "gina,growth\n".write(toFile: "\(directory)/teams.csv", atomically: true, encoding: .utf8)
        try """
            receivers:
              otlp: { protocols: { http: { endpoint: 127.0.0.1:0 } } }
            processors:
              tokenaudit: { directory_file: \(directory)/teams.csv, decision_wait: 0s }
            exporters:
              file: { path: \(directory)/out.jsonl }
            service:
              pipelines:
                traces: { receivers: [otlp], processors: [tokenaudit], exporters: [file] }
              admin: { endpoint: 127.0.0.1:0 }
              storage: { path: \(directory)/data }
            """.write(toFile: "\(directory)/config.yaml", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(["serve", "--config", "\(directory)/config.yaml"], directory: directory)
        let port = try #require(try await daemon.waitForLog(#"address=127\.0\.0\.1:(\d+) receiver=otlp"#), "\(daemon.log)")
        let url = "http://127.0.0.1:\(port)/v1/traces"
        let span = traces([kv("gen_ai.system", "openai"), kv("user.id", "gina"), kv("gen_ai.usage.input_tokens", 3)]).encode()

        #expect(try await OTLPClient.post(url, body: span).status == 200)
        // The first span must be attributed before the directory changes.
        for _ in 0..<400 where TestFiles.lines("\(directory)/out.jsonl").isEmpty { try await Task.sleep(for: .milliseconds(25)) }
        try "gina,research\n".write(toFile: "\(directory)/teams.csv", atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(try await daemon.waitForLog("team directory reloaded") != nil, "\(daemon.log)")
        #expect(try await OTLPClient.post(url, body: span).status == 200)
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)

        let teams = TestFiles.lines("\(directory)/out.jsonl").map { line -> String? in
            guard let range = line.range(of: #""key":"tokenaudit.team","value":{"stringValue":""#) else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "\"" })
        }
        #expect(teams == ["growth", "research"])
    }

    @Test func aMissingTeamDirectoryIsAClearStartupError() async throws {
        let directory = TestFiles.temporaryDirectory()
        try """
            receivers: { otlp: { protocols: { http: { endpoint: 127.0.0.1:0 } } } }
            processors: { tokenaudit: { directory_file: /nonexistent/teams.csv } }
            exporters: { file: { path: out.jsonl } }
            service: { pipelines: { traces: { receivers: [otlp], processors: [tokenaudit], exporters: [file] } } }
            """.write(toFile: "\(directory)/config.yaml", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(["serve", "--config", "\(directory)/config.yaml"], directory: directory)
        #expect(try await daemon.waitForExit() == 1)
        #expect(daemon.log.contains("team directory /nonexistent/teams.csv: cannot read"), "\(daemon.log)")
    }

    /// Issue 5: a sender pushes spans over OTLP/gRPC; downstream is down for
    /// part of the run; the daemon is SIGKILLed and
    /// restarted mid-run; afterwards downstream has every span (duplicates
    /// allowed and counted, none missing), from small requests (bodies
    /// stored as blobs) and large ones (bodies stored as files) alike.
    @Test func nothingAcceptedIsLostWhenTheDaemonIsKilledAndTheBackendIsDown() async throws {
        let sink = RecordingSink()
        sink.script(Array(repeating: RecordingSink.Reply(status: .serviceUnavailable), count: 40))
        let directory = TestFiles.temporaryDirectory()
        try """
            receivers:
              otlp: { protocols: { grpc: { endpoint: 127.0.0.1:0 } } }
            processors:
              tokenaudit: {}
            exporters:
              otlp_http:
                endpoint: \(await sink.baseURL)
                retry_on_failure: { initial_interval: 5ms, max_interval: 20ms, max_elapsed_time: 0 }
            service:
              pipelines:
                traces: { receivers: [otlp], processors: [tokenaudit], exporters: [otlp_http] }
              admin: { endpoint: 127.0.0.1:0 }
              storage: { path: \(directory)/data }
            """.write(toFile: "\(directory)/config.yaml", atomically: true, encoding: .utf8)

        var random = RandomRequests(seed: 77)
        var sent = Set<[UInt8]>()
        func post(_ count: Int, to daemon: DaemonProcess) async throws {
            let port = try #require(try await daemon.waitForLog(#"address=127\.0\.0\.1:(\d+) receiver=otlp security=[^\[]*\[TokenAudit\] OTLP/gRPC"#), "\(daemon.log)")
            for index in 0..<count {
                // One request in ten is over the queue's inline limit, so its body is a file in both queues.
                var body = random.traces(maxSpans: 4).encode()
                while index % 10 == 0, body.count <= DurableStore.defaultInlineLimit { body = random.traces(maxSpans: 60).encode() }
                var ids: [[UInt8]] = []
                body.withUnsafeBytes { raw in ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in ids.append(span.spanID.array) } }
                // Over OTLP/gRPC, retrying until accepted, as OTLP senders do.
                for _ in 0..<200 {
                    if try await OTLPGRPCClient.export(body, signal: .traces, port: Int(port) ?? 0).error == nil { break }
                }
                sent.formUnion(ids)
            }
        }

        let first = try DaemonProcess(["serve", "--config", "\(directory)/config.yaml"], directory: directory)
        try await post(60, to: first)
        first.signal(SIGKILL)
        #expect(try await first.waitForExit() != 0)

        let second = try DaemonProcess(["serve", "--config", "\(directory)/config.yaml"], directory: directory)
        try await post(60, to: second)
        // Wait (bounded) until downstream has seen every span id, then stop.
        func received() -> (unique: Set<[UInt8]>, total: Int) {
            var unique = Set<[UInt8]>()
            var total = 0
            // The first 40 requests were refused (503) and retried: not deliveries.
            for request in sink.received.dropFirst(40) where request.path == "/v1/traces" {
                request.body.withUnsafeBytes { raw in
                    ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in unique.insert(span.spanID.array); total += 1 }
                }
            }
            return (unique, total)
        }
        for _ in 0..<2000 where !sent.isSubset(of: received().unique) {
            try await Task.sleep(for: .milliseconds(10))
        }
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0, "\(second.log)")
        try await sink.stop()

        let (unique, total) = received()
        #expect(sent.count > 200)
        #expect(sent.subtracting(unique).isEmpty, "\(sent.subtracting(unique).count) spans lost")
        print("SIGKILL test: \(sent.count) spans sent, \(total) delivered (\(total - unique.count) duplicates after the kill)")
    }
}
