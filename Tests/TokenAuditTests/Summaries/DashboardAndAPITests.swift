import Foundation
import NIOCore
import Testing
@testable import TokenAudit

/// A real daemon fed simulated traffic over OTLP/HTTP: the JSON API, the
/// Prometheus endpoint and the dashboard in a real headless Chromium.
@Suite(.serialized) struct DashboardAndAPITests {
    static func feed() async throws -> (TestDaemon, TrafficSimulator.Traffic) {
        let yaml = TestDaemon.yaml(exporters: "  file: { path: {dir}/enriched.jsonl }", exporterIDs: ["file"])
            .replacingOccurrences(of: "tokenaudit: {}", with: "tokenaudit: { decision_wait: 0s }")
        let daemon = try await TestDaemon(yaml: yaml)
        let traffic = TrafficSimulator(seed: 5, days: 1).generate()
        let url = await daemon.url("/v1/traces")
        for batch in traffic.requests {
            let answer = try await OTLPClient.post(url, body: Array(batch.request.readableBytesView))
            #expect(answer.status == 200)
        }
        return (daemon, traffic)
    }

    static func get(_ daemon: TestDaemon, _ path: String) async throws -> OTLPClient.Answer {
        try await OTLPClient.post("http://127.0.0.1:\(await daemon.adminPort)\(path)", body: [], contentType: nil, method: .GET)
    }

    @Test func theAPIAnswersFromTheStoreAndMetricsCountVerdicts() async throws {
        let (daemon, traffic) = try await Self.feed()
        // Everything sent has been accepted; wait until the pipeline has judged it all.
        let processor = try #require(daemon.daemon.processors[ComponentID("tokenaudit")])
        while processor.stats.verdicts.values.reduce(0, +) < traffic.truth.count { await Task.yield() }
        let maxxers = Set(traffic.principals.filter { $0.value.isTokenmaxxer }.map(\.key))

        let summary = try await Self.get(daemon, "/api/v1/summary")
        #expect(summary.status == 200)
        let org = try JSONDecoder().decode(OrgSummary.self, from: Data(summary.body))
        #expect(org.totals.calls == traffic.truth.count)
        #expect(org.totals.tokens == traffic.truth.values.reduce(0) { $0 + $1.inputTokens + $1.outputTokens })
        #expect(org.principals == traffic.principals.count)

        struct Page: Decodable { var total: Int; var principals: [PrincipalSummary] }
        let page = try JSONDecoder().decode(Page.self, from: Data(try await Self.get(daemon, "/api/v1/principals?sort=waste&limit=5&offset=0").body))
        #expect(page.total == traffic.principals.count)
        #expect(page.principals.count == 5)
        #expect(page.principals.allSatisfy { maxxers.contains($0.principal) })
        let next = try JSONDecoder().decode(Page.self, from: Data(try await Self.get(daemon, "/api/v1/principals?sort=waste&limit=5&offset=5").body))
        #expect(Set(next.principals.map(\.principal)).isDisjoint(with: page.principals.map(\.principal)))

        let one = try await Self.get(daemon, "/api/v1/principals/\(page.principals[0].principal)")
        let detail = try JSONDecoder().decode(PrincipalDetail.self, from: Data(one.body))
        #expect(!detail.findings.isEmpty && !detail.daily.isEmpty)
        #expect(try await Self.get(daemon, "/api/v1/principals/nobody").status == 404)
        let bad = try await Self.get(daemon, "/api/v1/principals?sort=loudest")
        #expect(bad.status == 400)
        #expect(String(decoding: bad.body, as: UTF8.self).contains("'sort' must be one of performative_share"))
        #expect(try await Self.get(daemon, "/api/v1/principals?since=5m").status == 400)
        #expect(try await Self.get(daemon, "/api/v1/teams").status == 200)
        let findings = String(decoding: try await Self.get(daemon, "/api/v1/findings?limit=3").body, as: UTF8.self)
        #expect(findings.contains("\"reason\""))

        let metrics = String(decoding: try await Self.get(daemon, "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("tokenaudit_llm_tokens_total{"))
        #expect(metrics.contains("verdict=\"performative\""))
        #expect(metrics.contains("tokenaudit_findings_total{label=\"repeated_prompt\"}"))
        #expect(metrics.contains("tokenaudit_llm_cost_usd_total{"))
        #expect(metrics.contains("tokenaudit_tracked_principals{processor=\"tokenaudit\"}"))
        #expect(!metrics.contains("principal=\""), "per-principal labels are opt-in")
        try await daemon.stop()
    }

    @Test func theDashboardRendersInARealBrowser() async throws {
        let chromium = try #require(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                    "chromium is missing: `make test` installs it")
        let (daemon, traffic) = try await Self.feed()
        let processor = try #require(daemon.daemon.processors[ComponentID("tokenaudit")])
        while processor.stats.verdicts.values.reduce(0, +) < traffic.truth.count { await Task.yield() }
        let url = "http://127.0.0.1:\(await daemon.adminPort)/"
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let screenshot = root.appendingPathComponent(".build/dashboard.png").path
        try? FileManager.default.removeItem(atPath: screenshot)

        let dom = try await Self.run(chromium, ["--dump-dom", url])
        _ = try await Self.run(chromium, ["--screenshot=\(screenshot)", "--window-size=1280,1000", url])
        try await daemon.stop()

        #expect(FileManager.default.fileExists(atPath: screenshot))
        #expect(dom.output.contains("<title>Organisation · tokenaudit</title>"))
        let consoleErrors = dom.errors.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
        #expect(consoleErrors.isEmpty, "\(consoleErrors)")
        // The ranked list: the first rows are the simulated tokenmaxxers.
        let ranked = dom.output.components(separatedBy: "<th scope=\"row\"><a href=\"/principals/").dropFirst()
            .compactMap { $0.split(separator: "\"").first.map(String.init) }
        let maxxers = Set(traffic.principals.filter { $0.value.isTokenmaxxer }.map(\.key))
        #expect(ranked.count == traffic.principals.count)
        #expect(Set(ranked.prefix(maxxers.count)) == maxxers, "\(ranked)")
    }

    /// Runs headless Chromium once (off the cooperative pool); returns its stdout and stderr.
    static func run(_ chromium: String, _ arguments: [String]) async throws -> (output: String, errors: String) {
        let result = try await Subprocess.run(
            chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--enable-logging=stderr", "--v=0",
                       "--user-data-dir=\(TestFiles.temporaryDirectory())"] + arguments, mergeErrors: false)
        return (result.output, result.errors)
    }
}
