import Foundation
import TestSupport
import Testing
@testable import TokenAudit

@Suite(.serialized) struct HealthTests {
    @Test func healthReportsQueueDepthAndAgeWhileTheBackendStalls() async throws {
        let sink = RecordingSink()
        sink.hold()
        let daemon = try await TestDaemon(yaml: TestDaemon.yaml(
            exporters: "  otlp_http: { endpoint: \(await sink.baseURL) }", exporterIDs: ["otlp_http"]))
        let capture = try #require(try Fixtures.all().first { $0.isTraces && $0.name.hasPrefix("openllmetry") })
        for _ in 0..<3 { #expect(try await OTLPClient.post(await daemon.url("/v1/traces"), body: capture.protobuf).status == 200) }
        // One batch is in flight (held downstream); the others wait in the exporter's queue.
        var waiting = 0
        var health: [String: Any] = [:]
        for _ in 0..<500 where waiting < 2 {
            let answer = try await OTLPClient.post("http://127.0.0.1:\(await daemon.adminPort)/healthz", body: [], contentType: nil, method: .GET)
            #expect(answer.status == 200)
            health = try #require(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
            let exporter = (health["exporters"] as? [[String: Any]])?.first
            waiting = ((exporter?["queue"] as? [String: Any])?["batches"] as? Int) ?? 0
            if waiting < 2 { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(waiting >= 2)
        let queue = try #require(((health["exporters"] as? [[String: Any]])?.first?["queue"]) as? [String: Any])
        #expect((queue["bytes"] as? Int ?? 0) > 0)
        #expect(queue["oldestAgeSeconds"] is Double)
        let processors = try #require(health["processors"] as? [[String: Any]])
        #expect(processors.first?["llmCalls"] as? Int == 3, "one LLM span per request")
        sink.release()
        try await daemon.stop()
        try await sink.stop()
    }
}
