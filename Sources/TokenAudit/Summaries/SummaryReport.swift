public import Foundation

/// The anomaly summary of a period: who spends what, how much of it is
/// performative and why, the waste in USD and CO2e, the honest leaderboard
/// (tokens per linked outcome) and the models the price table does not know.
/// Rendered as Markdown, JSON, CSV or HTML (`tokenaudit report`, the daily
/// files under `summaries/`).
public struct SummaryReport: Codable, Sendable {
    public var summary: OrgSummary
    public var team: String?
    /// Principals by performative share of their tokens.
    public var principals: [PrincipalSummary]
    /// Principals with linked outcomes, fewest tokens per outcome first.
    public var outcomeLeaderboard: [PrincipalSummary]
    public var teams: [TeamSummary]
    public var findings: [FindingSummary]

    public static func build(store: SummaryStore, period: SummaryPeriod, team: String? = nil, limit: Int = 25) throws -> SummaryReport {
        SummaryReport(
            summary: try store.summary(in: period, team: team), team: team,
            principals: try store.principals(in: period, team: team, order: .performativeShare, limit: limit),
            outcomeLeaderboard: try store.principals(in: period, team: team, order: .tokensPerOutcome, limit: limit)
                .filter { $0.totals.outcomes > 0 },
            teams: team == nil ? try store.teams(in: period) : [],
            findings: try store.findings(in: period, team: team, limit: limit))
    }

    public static func json(_ report: SummaryReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(report)
    }

    public static func markdown(_ r: SummaryReport) -> String {
        let t = r.summary.totals
        var md = "# tokenaudit summary\(r.team.map { " — team \($0)" } ?? "")\n\n"
        md += "Period \(r.summary.from) → \(r.summary.to) (span time). \(r.summary.principals) principals, \(t.calls) LLM calls.\n\n"
        md += "| | tokens | cost | CO2e |\n|---|---:|---:|---:|\n"
        md += "| all | \(Format.count(t.tokens)) | \(Format.usd(t.costUSD)) | \(Format.grams(t.co2Grams)) |\n"
        md += "| performative (waste) | \(Format.count(t.performativeTokens)) (\(Format.percent(t.performativeShare))) | \(Format.usd(t.performativeCostUSD)) | \(Format.grams(t.performativeCO2Grams)) |\n"
        md += "| suspect | \(Format.count(t.suspectTokens)) | \(Format.usd(t.suspectCostUSD)) | |\n\n"
        if !r.summary.labels.isEmpty {
            md += "| label | calls | tokens | cost |\n|---|---:|---:|---:|\n"
            for (label, l) in r.summary.labels.sorted(by: { $0.value.tokens > $1.value.tokens }) {
                md += "| `\(label)` | \(l.calls) | \(Format.count(l.tokens)) | \(Format.usd(l.costUSD)) |\n"
            }
            md += "\n"
        }
        md += "## Principals by performative share\n\n| principal | team | tokens | performative | cost | outcomes | tokens / outcome |\n|---|---|---:|---:|---:|---:|---:|\n"
        for p in r.principals {
            md += "| \(p.principal) | \(p.team) | \(Format.count(p.totals.tokens)) | \(Format.percent(p.totals.performativeShare)) | \(Format.usd(p.totals.costUSD)) | \(p.totals.outcomes) | \(p.totals.tokensPerOutcome.map { Format.count(Int($0)) } ?? "–") |\n"
        }
        md += "\n## Top findings\n\n"
        for f in r.findings {
            md += "- **\(f.principal)** — `\(f.label)`: \(f.calls) calls, \(Format.count(f.tokens)) tokens, \(Format.usd(f.costUSD)) (\(f.firstSeen) → \(f.lastSeen)). \(f.reason) Example traces: \(f.exampleTraceIDs.prefix(3).joined(separator: ", ")).\n"
        }
        if !r.outcomeLeaderboard.isEmpty {
            md += "\n## Honest leaderboard: tokens per linked outcome\n\n| principal | outcomes | tokens / outcome |\n|---|---:|---:|\n"
            for p in r.outcomeLeaderboard { md += "| \(p.principal) | \(p.totals.outcomes) | \(Format.count(Int(p.totals.tokensPerOutcome ?? 0))) |\n" }
        }
        if !r.teams.isEmpty {
            md += "\n## Teams\n\n| team | principals | tokens | performative | waste |\n|---|---:|---:|---:|---:|\n"
            for team in r.teams {
                md += "| \(team.team.isEmpty ? "(none)" : team.team) | \(team.principals) | \(Format.count(team.totals.tokens)) | \(Format.percent(team.totals.performativeShare)) | \(Format.usd(team.totals.performativeCostUSD)) |\n"
            }
        }
        if !r.summary.unknownModels.isEmpty {
            md += "\n## Models without a price\n\n"
            for (model, calls) in r.summary.unknownModels.sorted(by: { $0.value > $1.value }) { md += "- `\(model)`: \(calls) calls (no cost counted)\n" }
        }
        return md
    }

    /// The dashboard's organisation page, as a standalone file.
    public static func html(_ r: SummaryReport) -> String {
        Dashboard.organisation(r.summary, principals: r.principals, period: r.team.map { "team \($0)" } ?? "report")
    }

    /// One row per principal (the table a spreadsheet wants).
    public static func csv(_ r: SummaryReport) -> String {
        var csv = "principal,team,calls,input_tokens,output_tokens,cost_usd,performative_tokens,performative_share,performative_cost_usd,co2_grams,outcomes\n"
        for p in r.principals {
            let t = p.totals
            csv += [Format.csvField(p.principal), Format.csvField(p.team), "\(t.calls)", "\(t.inputTokens)", "\(t.outputTokens)",
                    String(format: "%.6f", t.costUSD), "\(t.performativeTokens)", String(format: "%.4f", t.performativeShare),
                    String(format: "%.6f", t.performativeCostUSD), String(format: "%.2f", t.co2Grams), "\(t.outcomes)"]
                .joined(separator: ",") + "\n"
        }
        return csv
    }
}

/// Number formats shared by reports and the dashboard.
enum Format {
    static func count(_ n: Int) -> String {
        switch abs(n) {
        case ..<10_000: "\(n)"
        case ..<1_000_000: String(format: "%.1fk", Double(n) / 1e3)
        default: String(format: "%.1fM", Double(n) / 1e6)
        }
    }

    static func usd(_ v: Double) -> String { String(format: "$%.2f", v) }
    static func percent(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
    static func grams(_ g: Double) -> String { g >= 1000 ? String(format: "%.1f kg", g / 1000) : String(format: "%.0f g", g) }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
