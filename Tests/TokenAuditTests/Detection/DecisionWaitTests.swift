import Foundation
import NIOCore
import TestSupport
import Testing
@testable import TokenAudit

/// Trace assembly through a real daemon: requests are held for
/// `decision_wait`, evidence from later requests of the same trace counts,
/// SIGTERM-style shutdown releases everything held, and outcomes posted to
/// the admin endpoint are evidence too.
@Suite(.serialized) struct DecisionWaitTests {
    static func yaml(decisionWait: String) -> String {
        TestDaemon.yaml(exporters: "  file: { path: {dir}/enriched.jsonl }", exporterIDs: ["file"])
            .replacingOccurrences(of: "tokenaudit: {}", with: "tokenaudit: { decision_wait: \(decisionWait) }")
    }

    static let start: UInt64 = 1_790_000_000_000_000_000

    static func span(trace: UInt8, id: UInt8, at offset: Double, llm: Bool, name: String) -> SpanModel {
        var span = SpanModel()
        span.traceID = [UInt8](repeating: trace, count: 16)
        span.spanID = [UInt8](repeating: id, count: 8)
        span.name = name
        span.start = UInt64(Int64(start) + Int64(offset * 1e9))
        span.end = span.start + 1_000_000_000
        span.attributes = llm
            ? [kv("gen_ai.operation.name", "chat"), kv("gen_ai.request.model", "gpt-4o"), kv("gen_ai.usage.input_tokens", 900),
               kv("gen_ai.usage.output_tokens", 16_000), kv("gen_ai.request.max_tokens", 16_384),
               kv("gen_ai.response.finish_reasons", .array([.string("length")])), kv("user.id", "dana")]
            : [kv("db.system", "postgresql")]
        return span
    }

    static func request(_ spans: [SpanModel]) -> [UInt8] {
        TracesModel(resourceSpans: [ResourceSpansModel(resource: ResourceModel(attributes: [kv("service.name", "app")]),
                                                       scopeSpans: [ScopeSpansModel(spans: spans)])]).encode()
    }

    @Test func aConsumerInALaterRequestCountsAndShutdownReleasesWhatIsHeld() async throws {
        // Nothing is released before shutdown (10 min hold), so the result
        // cannot depend on timing.
        let daemon = try await TestDaemon(yaml: Self.yaml(decisionWait: "10m"))
        let url = await daemon.url("/v1/traces")
        let first = Self.request([Self.span(trace: 1, id: 1, at: 0, llm: true, name: "chat used"),
                                  Self.span(trace: 2, id: 2, at: 0, llm: true, name: "chat ignored")])
        let second = Self.request([Self.span(trace: 1, id: 3, at: 5, llm: false, name: "INSERT report")])
        #expect(try await OTLPClient.post(url, body: first).status == 200)
        #expect(try await OTLPClient.post(url, body: second).status == 200)
        let processor = try #require(daemon.daemon.processors[ComponentID("tokenaudit")])
        // A 200 means queued; the pipeline parks both requests on its own tasks.
        #expect(try await eventually { daemon.daemon.pipelines.first { $0.signal == .traces }?.heldRequestCount == 2 })
        #expect(processor.detection.heldTraces == 2)
        #expect(TestFiles.lines(daemon.directory + "/enriched.jsonl").isEmpty, "held, not yet written")

        try await daemon.stop()
        let spans = try EnrichedSpans.read(daemon.directory + "/enriched.jsonl")
        let used = try #require(spans["0101010101010101"])
        let ignored = try #require(spans["0202020202020202"])
        #expect(used.verdict == "genuine")
        #expect(used.labels.isEmpty, "the INSERT after it consumed the output: \(used)")
        #expect(ignored.verdict == "performative")
        #expect(ignored.labels == ["verbose_output", "unused_output"])
        #expect(ignored.reasons.count == 2)
        #expect(ignored.reasons.first?.contains("16000 tokens of max_tokens 16384") == true, "\(ignored.reasons)")
        #expect(spans["0303030303030303"]?.verdict == nil, "non-LLM spans get no verdict")
        #expect(processor.detection.heldTraces == 0)
    }

    @Test func postedOutcomesLinkCallsAndBadOnesAreRefusedWithAReason() async throws {
        let daemon = try await TestDaemon(yaml: Self.yaml(decisionWait: "10m"))
        let api = "http://127.0.0.1:\(await daemon.adminPort)/api/v1/outcomes"
        let good = #"[{"trace_id": "07070707070707070707070707070707", "outcome": "pr_merged", "time": "2026-11-22T10:00:00Z"}]"#
        let accepted = try await OTLPClient.post(api, body: Array(good.utf8), contentType: "application/json")
        #expect(accepted.status == 202)
        #expect(String(decoding: accepted.body, as: UTF8.self) == #"{"recorded":1}"#)

        let problems: [(String, String)] = [
            (#"{"trace_id": "xyz", "outcome": "commit"}"#, "'trace_id' must be 32 hex digits"),
            (#"{"trace_id": "07070707070707070707070707070707"}"#, "'outcome' must be"),
            (#"{"outcome": "commit"}"#, "name the call with trace_id"),
            (#"{"response_id": "r1", "outcome": "commit", "time": "yesterday"}"#, "'time' must be an RFC 3339 timestamp"),
            (#"[1, 2]"#, "expected a JSON object or array"),
            (#"{"response_id": "r1", "outcome": "DROP TABLE"}"#, "'outcome' must be"),
        ]
        for (body, message) in problems {
            let answer = try await OTLPClient.post(api, body: Array(body.utf8), contentType: "application/json")
            #expect(answer.status == 400, "\(body)")
            #expect(String(decoding: answer.body, as: UTF8.self).contains(message), "\(body)")
        }
        #expect(try await OTLPClient.post(api, body: [], method: .GET).status == 405)

        let url = await daemon.url("/v1/traces")
        #expect(try await OTLPClient.post(url, body: Self.request([Self.span(trace: 7, id: 7, at: 0, llm: true, name: "chat")])).status == 200)
        try await daemon.stop()
        let span = try #require(try EnrichedSpans.read(daemon.directory + "/enriched.jsonl")["0707070707070707"])
        #expect(span.verdict == "genuine")
        #expect(span.labels.isEmpty, "the merged PR used the output: \(span)")
        #expect(daemon.daemon.outcomes.recorded == 1, "nothing of a refused request is recorded")
    }

    @Test func anOutcomeOnASpanOfTheTraceCountsAsConsumption() async throws {
        let daemon = try await TestDaemon(yaml: Self.yaml(decisionWait: "10m"))
        let url = await daemon.url("/v1/traces")
        // The outcome span started before the call ended, so only its outcome
        // (not its timing) can be what makes the call genuine.
        var outcome = Self.span(trace: 8, id: 9, at: -5, llm: false, name: "review")
        outcome.attributes = [kv("tokenaudit.outcome", "accepted")]
        #expect(try await OTLPClient.post(url, body: Self.request([Self.span(trace: 8, id: 8, at: 0, llm: true, name: "chat")])).status == 200)
        #expect(try await OTLPClient.post(url, body: Self.request([outcome])).status == 200)
        try await daemon.stop()
        let span = try #require(try EnrichedSpans.read(daemon.directory + "/enriched.jsonl")["0808080808080808"])
        #expect(span.verdict == "genuine")
        #expect(span.labels.isEmpty, "\(span)")
    }

    @Test func principalStateSurvivesARestart() async throws {
        let directory = TestFiles.temporaryDirectory()
        let yaml = Self.yaml(decisionWait: "0s").replacingOccurrences(of: "{dir}/storage", with: directory)
        for round in 0..<2 {
            let daemon = try await TestDaemon(yaml: yaml)
            let url = await daemon.url("/v1/traces")
            for i in 0..<3 {
                let id = UInt8(10 + round * 3 + i)
                #expect(try await OTLPClient.post(url, body: Self.request([Self.span(trace: id, id: id, at: Double(id) * 60, llm: true, name: "loop")])).status == 200)
            }
            try await daemon.stop()
            let processor = try #require(daemon.daemon.processors[ComponentID("tokenaudit")])
            #expect(processor.detection.snapshot()["dana"]?.records.count == 3 * (round + 1))
        }
    }
}
