import Foundation

/// The evaluation as text: one block per seed, then the totals over all
/// seeds; `make eval` prints it and stores it under bench/results.
public enum EvaluationReport {
    public static func render(_ results: [Evaluation.Result]) -> String {
        var out = ""
        for r in results {
            out += "## seed \(r.seed): \(r.calls) LLM calls\(r.missing > 0 ? " (\(r.missing) missing!)" : "")\n\n"
            out += "| positive = | precision | recall | F1 |\n|---|---|---|---|\n"
            out += row("performative (calls)", r.performative)
            out += row("performative (tokens)", r.performativeByTokens)
            out += row("suspect or performative (calls)", r.flagged)
            out += "\n| label | recall on the personas that should show it |\n|---|---|\n"
            for label in DetectionLabel.allCases {
                guard let (hit, total) = r.labelRecall[label] else { continue }
                out += "| \(label.rawValue) | \(percent(Double(hit) / Double(max(1, total)))) (\(hit)/\(total)) |\n"
            }
            out += "\n| genuine persona (hard negatives) | calls | performative | suspect | labels of the performative ones |\n|---|---|---|---|---|\n"
            for kind in PersonaKind.allCases {
                guard let g = r.genuineCalls[kind] else { continue }
                let why = (r.falsePositiveLabels[kind] ?? [:]).sorted { $0.value > $1.value }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
                out += "| \(kind.rawValue) | \(g.total) | \(g.performative) (\(percent(Double(g.performative) / Double(max(1, g.total))))) | \(g.suspect) | \(why) |\n"
            }
            out += "\nPrincipal ranking by performative share of tokens — every tokenmaxxer above every genuine user: **\(r.rankingSeparates ? "yes" : "NO")**\n\n"
            out += "| # | principal | tokenmaxxer | performative share | tokens |\n|---|---|---|---|---|\n"
            for (i, p) in r.ranking.enumerated() {
                out += "| \(i + 1) | \(p.principal) | \(p.persona.isTokenmaxxer ? "yes" : "no") | \(percent(p.performativeShare)) | \(p.tokens) |\n"
            }
            out += "\n"
        }
        let f1 = results.map(\.performative.f1)
        out += "**Over \(results.count) seeds:** F1 (calls) min \(fixed(f1.min() ?? 0)) / mean \(fixed(f1.reduce(0, +) / Double(max(1, f1.count))))"
        out += ", F1 (tokens) min \(fixed(results.map(\.performativeByTokens.f1).min() ?? 0))"
        out += ", ranking separates in \(results.filter(\.rankingSeparates).count)/\(results.count).\n"
        return out
    }

    private static func row(_ name: String, _ c: Evaluation.Confusion) -> String {
        "| \(name) | \(fixed(c.precision)) | \(fixed(c.recall)) | \(fixed(c.f1)) |\n"
    }

    static func fixed(_ v: Double) -> String { String(format: "%.3f", v) }
    static func percent(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
}
