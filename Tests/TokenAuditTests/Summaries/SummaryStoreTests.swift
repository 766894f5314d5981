import Foundation
import Logging
import TestSupport
import Testing
@testable import TokenAudit

/// Simulated organisations replayed through the real pipeline into a real
/// SQLite store: the store's totals equal the simulator's ground truth, the
/// report names the tokenmaxxers, and a restart keeps every aggregate.
@Suite struct SummaryStoreTests {
    static func replay(_ traffic: TrafficSimulator.Traffic, storage: String) async throws {
        let config = try TokenAuditConfig.parse(yaml: """
            receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }
            processors: { tokenaudit: {} }
            exporters: { file: { path: \(storage)/enriched.jsonl, rotation: { max_megabytes: 0 } } }
            service:
              pipelines: { traces: { receivers: [otlp], processors: [tokenaudit], exporters: [file] } }
              storage: { path: \(storage) }
            """, source: "test")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        _ = try await Replay(daemon: try Daemon(config: config, logger: logger, serving: false)).run(batches: traffic.requests)
    }

    /// What the summaries must hold: tokens per principal and the cost at list price.
    static func expected(_ traffics: [TrafficSimulator.Traffic]) -> (tokens: [String: Int], cost: Double) {
        let price = PriceTable().price(of: "gpt-4o-mini")
        var tokens: [String: Int] = [:]
        var cost = 0.0
        for traffic in traffics {
            for call in traffic.truth.values {
                tokens[call.principal, default: 0] += call.inputTokens + call.outputTokens
                cost += price?.cost(of: TokenUsage(input: call.inputTokens, output: call.outputTokens)) ?? 0
            }
        }
        return (tokens, cost)
    }

    @Test func totalsMatchTheGroundTruthAndSurviveARestart() async throws {
        let storage = TestFiles.temporaryDirectory()
        let first = TrafficSimulator(seed: 3, days: 1).generate()
        try await Self.replay(first, storage: storage)

        var store = try SummaryStore(path: storage + "/summaries.sqlite", readOnly: true)
        var period = try #require(try store.period(lastHours: 24 * 30))
        var (tokens, cost) = Self.expected([first])
        let totals = try store.totals(in: period)
        #expect(totals.calls == first.truth.count)
        #expect(totals.tokens == tokens.values.reduce(0, +))
        #expect(abs(totals.costUSD - cost) < 1e-9 * cost, "\(totals.costUSD) vs \(cost)")
        let principals = try store.principals(in: period, order: .tokens, limit: 1000)
        #expect(Dictionary(uniqueKeysWithValues: principals.map { ($0.principal, $0.totals.tokens) }) == tokens)
        #expect(try store.unknownModels(in: period).isEmpty)

        // The report: tokenmaxxers first, and the top findings are theirs.
        let report = try SummaryReport.build(store: store, period: period, limit: 100)
        let maxxers = Set(first.principals.filter { $0.value.isTokenmaxxer }.map(\.key))
        #expect(Set(report.principals.prefix(maxxers.count).map(\.principal)) == maxxers)
        #expect(report.findings.prefix(10).allSatisfy { maxxers.contains($0.principal) }, "\(report.findings.prefix(10).map(\.principal))")
        #expect(report.findings.allSatisfy { !$0.reason.isEmpty && !$0.exampleTraceIDs.isEmpty })
        let markdown = SummaryReport.markdown(report)
        #expect(markdown.contains("| performative (waste) |"))
        #expect(SummaryReport.csv(report).split(separator: "\n").count == report.principals.count + 1)

        // A second run on the same storage (a restart) adds to every aggregate.
        let second = TrafficSimulator(seed: 4, days: 1).generate()
        try await Self.replay(second, storage: storage)
        store = try SummaryStore(path: storage + "/summaries.sqlite", readOnly: true)
        period = try #require(try store.period(lastHours: 24 * 30))
        (tokens, cost) = Self.expected([first, second])
        let both = try store.totals(in: period)
        #expect(both.calls == first.truth.count + second.truth.count)
        #expect(both.tokens == tokens.values.reduce(0, +))
        #expect(abs(both.costUSD - cost) < 1e-9 * cost)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: storage + "/summaries")) ?? []
        #expect(files.contains { $0.hasPrefix("summary-") && $0.hasSuffix(".md") }, "written at shutdown: \(files)")
    }

    /// A request's calls folded at once (each run of one usage row summed
    /// before it updates the row) land exactly where folding them one by
    /// one puts them, and where a plain per-call tally (written here) puts
    /// their usage and label rows.
    @Test func aRequestFoldedAtOnceEqualsItsCallsFoldedOneByOne() {
        var rng = SeededRandom(seed: 11)
        let labels = DetectionLabel.allCases
        for _ in 0..<300 {
            var judged: [JudgedCall] = []
            for _ in 0..<Int.random(in: 1...40, using: &rng) {
                var f = CallFactory(principal: ["ana", "bo"].randomElement(using: &rng) ?? "ana")
                f.team = ["core", "ml"].randomElement(using: &rng)
                var call = f.call(at: Double(Int.random(in: 0...1, using: &rng) * 3600), trace: [UInt8](repeating: UInt8.random(in: 0...3, using: &rng), count: 16))
                call.requestModel = ["gpt-4o", "claude"].randomElement(using: &rng)
                // Costs in quarters: sums are exact in any order, so equality is exact.
                let cost = Bool.random(using: &rng) ? nil : Double(Int.random(in: 0...8, using: &rng)) / 4
                let findings = labels.filter { _ in Int.random(in: 0..<4, using: &rng) == 0 }
                    .map { Finding($0, strength: 0.8, reason: "\($0.rawValue) \(Int.random(in: 0...2, using: &rng))") }
                let verdict = [Verdict.genuine, .suspect, .performative].randomElement(using: &rng) ?? .genuine
                judged.append(JudgedCall(summary: CallSummary(call, cost: cost, co2Grams: 0.5),
                                         decision: Decision(verdict: verdict, score: 0.5, findings: findings,
                                                            outcome: Bool.random(using: &rng) ? "commit" : nil)))
            }
            var oneByOne = SummaryBatch()
            for call in judged { oneByOne.add(call.summary, call.decision) }
            var atOnce = SummaryBatch()
            atOnce.add(judged)
            var usage: [SummaryBatch.UsageKey: SummaryBatch.Usage] = [:]
            var labelRows: [SummaryBatch.LabelKey: SummaryBatch.LabelUsage] = [:]
            for call in judged {
                let (c, v) = (call.summary, call.decision.verdict.index)
                var u = usage[SummaryBatch.UsageKey(hour: c.hour, principal: c.principal, team: c.team, model: c.model)] ?? .init()
                u.calls += 1
                u.inputTokens += c.inputTokens
                u.outputTokens += c.outputTokens
                u.cost += c.cost ?? 0
                u.unpricedCalls += c.cost == nil ? 1 : 0
                u.co2Grams += c.co2Grams
                u.verdictTokens[v] += c.tokens
                u.verdictCost[v] += c.cost ?? 0
                u.verdictCalls[v] += 1
                u.outcomes += call.decision.outcome == nil ? 0 : 1
                usage[SummaryBatch.UsageKey(hour: c.hour, principal: c.principal, team: c.team, model: c.model)] = u
                for finding in call.decision.findings {
                    let key = SummaryBatch.LabelKey(hour: c.hour, principal: c.principal, team: c.team, label: finding.label)
                    var l = labelRows[key] ?? .init()
                    l.calls += 1
                    l.tokens += c.tokens
                    l.cost += c.cost ?? 0
                    labelRows[key] = l
                }
            }
            #expect(atOnce.calls == judged.count && oneByOne.calls == judged.count)
            #expect(atOnce.usage == usage && oneByOne.usage == usage)
            #expect(atOnce.labels == labelRows && oneByOne.labels == labelRows)
            #expect(Set(atOnce.findings.keys) == Set(oneByOne.findings.keys))
            for (key, mine) in atOnce.findings {
                let theirs = oneByOne.findings[key]
                #expect(mine.calls == theirs?.calls && mine.tokens == theirs?.tokens && mine.cost == theirs?.cost)
                #expect(mine.reason == theirs?.reason && mine.examples == theirs?.examples && mine.team == theirs?.team)
                #expect(mine.firstHour == theirs?.firstHour && mine.lastHour == theirs?.lastHour)
            }
        }
    }

    @Test func batchesFoldVerdictsAndFindings() throws {
        var batch = SummaryBatch()
        var f = CallFactory()
        let call = CallSummary(f.call(at: 0, input: 100, output: 50), cost: 0.5, co2Grams: 1)
        let finding = Finding(.repeatedPrompt, strength: 0.9, reason: "again")
        batch.add(call, Decision(verdict: .performative, score: 0.9, findings: [finding]))
        batch.add(call, Decision(verdict: .genuine, score: 0, findings: [], outcome: "commit"))
        let store = try SummaryStore(path: TestFiles.temporaryDirectory() + "/s.sqlite")
        try store.write(batch)
        try store.write(batch)
        let period = try #require(try store.period(lastHours: 1))
        let totals = try store.totals(in: period)
        #expect(totals.calls == 4)
        #expect(totals.performativeTokens == 300)
        #expect(totals.genuineTokens == 300)
        #expect(totals.performativeCostUSD == 1.0)
        #expect(totals.outcomes == 2)
        #expect(totals.tokensPerOutcome == 300)
        #expect(try store.labels(in: period) == ["repeated_prompt": LabelTotals(calls: 2, tokens: 300, costUSD: 1.0)])
        let findings = try store.findings(in: period)
        #expect(findings.count == 1)
        #expect(findings.first?.calls == 2)
        #expect(findings.first?.exampleTraceIDs.count == 1, "the same trace is one example")
    }
}
