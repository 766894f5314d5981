import Foundation
import Logging
import Testing
@testable import TokenAudit

/// A request's verdicts are booked at once (`SummaryRecorder.record`,
/// `GenAIStats.record`): runs of calls with the same labels are summed
/// before they reach a counter, and nothing may be lost or merged across
/// labels on the way.
@Suite struct VerdictBookkeepingTests {
    /// Calls of a team no other test uses (the Prometheus registry is the process's).
    static func judged(team: String) -> [JudgedCall] {
        var f = CallFactory()
        f.team = team
        func judged(model: String, input: Int, verdict: Verdict, findings: [Finding] = []) -> JudgedCall {
            var call = f.call(at: Double(input), input: input, output: input / 10)
            call.requestModel = model
            let cost = PriceTable().price(of: model)?.cost(of: call.usage)
            return JudgedCall(summary: CallSummary(call, cost: cost, co2Grams: 0),
                              decision: Decision(verdict: verdict, score: verdict == .genuine ? 0.1 : 0.9, findings: findings, outcome: nil))
        }
        let repeated = Finding(.repeatedPrompt, strength: 0.9, reason: "the same prompt again")
        return [
            judged(model: "gpt-4o", input: 100, verdict: .genuine),
            judged(model: "gpt-4o", input: 200, verdict: .genuine),
            judged(model: "gpt-4o", input: 400, verdict: .performative, findings: [repeated]),
            // The first series again, after another: a second run of the same key.
            judged(model: "gpt-4o", input: 800, verdict: .genuine),
            judged(model: "acme-unpriced-9", input: 1600, verdict: .genuine),
        ]
    }

    /// The value of the one exposition line of `metric` carrying every label in `labels`.
    static func value(_ metric: String, _ labels: [String: String], in exposition: String) -> Double? {
        let lines = exposition.split(separator: "\n").filter { line in
            line.hasPrefix(metric + "{") && labels.allSatisfy { line.contains("\($0.key)=\"\($0.value)\"") }
        }
        guard lines.count == 1, let number = lines[0].split(separator: " ").last else { return nil }
        return Double(number)
    }

    @Test func runsOfEqualLabelsAddUpToEveryCallsTokensAndCost() throws {
        PrometheusMetrics.bootstrap()
        let folder = TestFiles.temporaryDirectory()
        let recorder = SummaryRecorder(store: try SummaryStore(path: folder + "/summaries.sqlite"), folder: folder,
                                       logger: Logger(label: "test"))
        let team = "bookkeeping-\(UUID().uuidString.prefix(8))"
        let calls = Self.judged(team: team)
        // Two requests: series carry over from one to the next.
        recorder.record(Array(calls[..<2]))
        recorder.record(Array(calls[2...]))

        let exposition = String(decoding: PrometheusMetrics.render(), as: UTF8.self)
        func tokens(_ model: String, _ verdict: Verdict, _ direction: String) -> Double? {
            Self.value("tokenaudit_llm_tokens_total",
                       ["team": team, "model": model, "verdict": verdict.rawValue, "direction": direction], in: exposition)
        }
        #expect(tokens("gpt-4o", .genuine, "input") == 1100)
        #expect(tokens("gpt-4o", .genuine, "output") == 110)
        #expect(tokens("gpt-4o", .performative, "input") == 400)
        #expect(tokens("acme-unpriced-9", .genuine, "input") == 1600)

        let price = try #require(PriceTable().price(of: "gpt-4o"))
        let genuineCost = [100, 200, 800].reduce(0.0) { $0 + price.cost(of: TokenUsage(input: $1, output: $1 / 10)) }
        let cost = try #require(Self.value("tokenaudit_llm_cost_usd_total",
                                           ["team": team, "model": "gpt-4o", "verdict": "genuine"], in: exposition))
        #expect(abs(cost - genuineCost) < 1e-12)
        // An unpriced model has tokens but no cost series.
        #expect(!exposition.split(separator: "\n").contains {
            $0.hasPrefix("tokenaudit_llm_cost_usd_total{") && $0.contains("acme-unpriced-9") && $0.contains(team)
        })

        // The pending batch holds every call, per (hour, principal, team, model).
        recorder.flush()
        let period = try #require(try recorder.store.period(lastHours: 24 * 365 * 10))
        #expect(try recorder.store.totals(in: period).calls == calls.count)
    }

    @Test func statsCountEveryVerdictAndLabelOfARequest() {
        let stats = GenAIStats()
        let calls = Self.judged(team: "stats")
        stats.record(calls)
        stats.record(Array(calls.prefix(1)))
        #expect(stats.verdicts == [.genuine: 5, .performative: 1])
        #expect(stats.labels == [.repeatedPrompt: 1])
    }
}
