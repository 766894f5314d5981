/// The dashboard at `/` of the admin endpoint: server-rendered HTML with
/// inline SVG, no script and no external asset, so it works offline and
/// behind any proxy. Pages: the organisation, one principal, the teams.
enum Dashboard {
    static let verdictColors = (genuine: "#4c8c4a", suspect: "#d9a13b", performative: "#c2452d")

    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title)) · tokenaudit</title>
        <style>
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2327;background:#f7f7f5}
        header{background:#1d2327;color:#fff;padding:.8rem 1.5rem}header a{color:#fff;margin-right:1.2rem;text-decoration:none}
        main{max-width:1100px;margin:0 auto;padding:1rem 1.5rem}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:.8rem}
        .card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.7rem 1rem}.card b{display:block;font-size:1.3rem}
        table{border-collapse:collapse;width:100%;background:#fff}th,td{padding:.35rem .5rem;border-bottom:1px solid #e4e4e0;text-align:left}
        td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:600;padding:.4rem 0}
        .chart .grid{stroke:#e4e4e0}.chart .axis{font-size:11px;fill:#555}.bar-bg{fill:#e9e9e4}.bar-fg{fill:\(verdictColors.performative)}
        .reason{color:#333}.label{font-family:ui-monospace,monospace;background:#f0ede6;padding:0 .3rem;border-radius:3px}
        a{color:#1f5f99}
        </style></head>
        <body><header><nav aria-label="Main"><a href="/">Organisation</a><a href="/teams">Teams</a><a href="/api/v1/summary">JSON</a></nav></header>
        <main>\(body)</main></body></html>
        """
    }

    static func empty() -> String {
        page(title: "No data yet", body: "<h1>No data yet</h1><p>Point an OpenTelemetry SDK at this daemon (OTLP on 4317/4318); the summaries appear as LLM calls are judged.</p>")
    }

    static func organisation(_ s: OrgSummary, principals: [PrincipalSummary], period: String) -> String {
        let t = s.totals
        var body = "<h1>LLM usage and what it produced</h1><p>\(HTML.escape(s.from)) → \(HTML.escape(s.to)) (span time, \(HTML.escape(period))).</p>"
        body += cards([
            ("Tokens", Format.count(t.tokens)), ("Cost", Format.usd(t.costUSD)),
            ("Performative", "\(Format.percent(t.performativeShare)) of tokens"),
            ("Waste", "\(Format.usd(t.performativeCostUSD)) · \(Format.grams(t.performativeCO2Grams)) CO2e"),
            ("Principals", "\(s.principals)"), ("Outcomes linked", "\(t.outcomes)"),
        ])
        body += "<h2>Tokens per day by verdict</h2>" + dailyChart(s.daily, title: "Tokens per day by verdict")
        if !s.labels.isEmpty {
            body += "<h2>What the waste is</h2><table><caption>Calls, tokens and cost under each label</caption><thead><tr><th scope=\"col\">Label</th><th scope=\"col\" class=\"n\">Calls</th><th scope=\"col\" class=\"n\">Tokens</th><th scope=\"col\" class=\"n\">Cost</th></tr></thead><tbody>"
            for (label, l) in s.labels.sorted(by: { $0.value.tokens > $1.value.tokens }) {
                body += "<tr><th scope=\"row\"><span class=\"label\">\(HTML.escape(label))</span></th><td class=\"n\">\(l.calls)</td><td class=\"n\">\(Format.count(l.tokens))</td><td class=\"n\">\(Format.usd(l.costUSD))</td></tr>"
            }
            body += "</tbody></table>"
        }
        body += principalTable(principals, caption: "Principals ranked by performative share of their tokens")
        if !s.topFindings.isEmpty { body += findingsList(s.topFindings, heading: "Top findings") }
        if !s.unknownModels.isEmpty {
            body += "<h2>Models without a price</h2><ul>" + s.unknownModels.sorted { $0.value > $1.value }
                .map { "<li><code>\(HTML.escape($0.key))</code>: \($0.value) calls</li>" }.joined() + "</ul>"
        }
        return page(title: "Organisation", body: body)
    }

    static func principal(_ d: PrincipalDetail) -> String {
        let t = d.totals
        var body = "<h1>\(HTML.escape(d.principal))</h1><p>Team: \(HTML.escape(d.team.isEmpty ? "(none)" : d.team))</p>"
        body += cards([
            ("Tokens", Format.count(t.tokens)), ("Cost", Format.usd(t.costUSD)),
            ("Performative", Format.percent(t.performativeShare)), ("Waste", Format.usd(t.performativeCostUSD)),
            ("Outcomes linked", "\(t.outcomes)"), ("Tokens per outcome", t.tokensPerOutcome.map { Format.count(Int($0)) } ?? "–"),
        ])
        body += "<h2>Timeline</h2>" + dailyChart(d.daily, title: "Tokens per day by verdict for \(d.principal)")
        body += d.findings.isEmpty ? "<h2>Findings</h2><p>None: every call looked like genuine work.</p>" : findingsList(d.findings, heading: "Findings and their evidence")
        return page(title: d.principal, body: body)
    }

    static func teams(_ teams: [TeamSummary]) -> String {
        var rows = ""
        for team in teams {
            let t = team.totals
            let name = team.team.isEmpty ? "(none)" : team.team
            rows += "<tr><th scope=\"row\">\(HTML.escape(name))</th><td class=\"n\">\(team.principals)</td><td class=\"n\">\(Format.count(t.tokens))</td>"
            rows += "<td>\(SVGChart.shareBar(t.performativeShare, label: "\(Format.percent(t.performativeShare)) performative")) \(Format.percent(t.performativeShare))</td>"
            rows += "<td class=\"n\">\(Format.usd(t.performativeCostUSD))</td><td class=\"n\">\(t.outcomes)</td></tr>"
        }
        let table = "<table><caption>Teams by performative tokens</caption><thead><tr><th scope=\"col\">Team</th><th scope=\"col\" class=\"n\">Principals</th><th scope=\"col\" class=\"n\">Tokens</th><th scope=\"col\">Performative</th><th scope=\"col\" class=\"n\">Waste</th><th scope=\"col\" class=\"n\">Outcomes</th></tr></thead><tbody>\(rows)</tbody></table>"
        return page(title: "Teams", body: "<h1>Teams</h1>" + table)
    }

    // MARK: parts

    private static func cards(_ items: [(String, String)]) -> String {
        "<section class=\"cards\" aria-label=\"Totals\">" + items.map { "<div class=\"card\">\(HTML.escape($0.0))<b>\(HTML.escape($0.1))</b></div>" }.joined() + "</section>"
    }

    private static func dailyChart(_ daily: [DailyUsage], title: String) -> String {
        SVGChart.stackedColumns(title: title, labels: daily.map(\.day), series: [
            .init(name: "genuine", color: verdictColors.genuine, values: daily.map { Double($0.genuineTokens) }),
            .init(name: "suspect", color: verdictColors.suspect, values: daily.map { Double($0.suspectTokens) }),
            .init(name: "performative", color: verdictColors.performative, values: daily.map { Double($0.performativeTokens) }),
        ])
    }

    static func principalTable(_ principals: [PrincipalSummary], caption: String) -> String {
        var rows = ""
        for (rank, p) in principals.enumerated() {
            let t = p.totals
            rows += "<tr><td class=\"n\">\(rank + 1)</td><th scope=\"row\"><a href=\"/principals/\(HTML.pathSegment(p.principal))\">\(HTML.escape(p.principal))</a></th>"
            rows += "<td>\(HTML.escape(p.team))</td><td class=\"n\">\(Format.count(t.tokens))</td>"
            rows += "<td>\(SVGChart.shareBar(t.performativeShare, label: "\(Format.percent(t.performativeShare)) performative")) \(Format.percent(t.performativeShare))</td>"
            rows += "<td class=\"n\">\(Format.usd(t.costUSD))</td><td class=\"n\">\(t.outcomes)</td></tr>"
        }
        return "<h2>Principals</h2><table id=\"principals\"><caption>\(HTML.escape(caption))</caption><thead><tr><th scope=\"col\" class=\"n\">#</th><th scope=\"col\">Principal</th><th scope=\"col\">Team</th><th scope=\"col\" class=\"n\">Tokens</th><th scope=\"col\">Performative</th><th scope=\"col\" class=\"n\">Cost</th><th scope=\"col\" class=\"n\">Outcomes</th></tr></thead><tbody>\(rows)</tbody></table>"
    }

    private static func findingsList(_ findings: [FindingSummary], heading: String) -> String {
        "<h2>\(HTML.escape(heading))</h2><ul class=\"findings\">" + findings.map { f in
            "<li><a href=\"/principals/\(HTML.pathSegment(f.principal))\">\(HTML.escape(f.principal))</a> <span class=\"label\">\(HTML.escape(f.label))</span> — \(f.calls) calls, \(Format.count(f.tokens)) tokens, \(Format.usd(f.costUSD)), \(HTML.escape(f.firstSeen)) → \(HTML.escape(f.lastSeen)).<br><span class=\"reason\">\(HTML.escape(f.reason))</span> <small>Example traces: \(f.exampleTraceIDs.prefix(3).map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", "))</small></li>"
        }.joined() + "</ul>"
    }
}
