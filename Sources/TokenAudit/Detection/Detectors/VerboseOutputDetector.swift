/// `verbose_output`: output pushed to the maximum (a very high `max_tokens`
/// reached, or a `length` stop) or far above the group's usual output. Only
/// kept when nothing consumes it (`DetectionEngine` drops it otherwise).
struct VerboseOutputDetector: CallDetector {
    let label = DetectionLabel.verboseOutput
    /// `verbose_min_output_tokens`.
    let minOutputTokens: Int

    init(config: DetectionConfig) {
        minOutputTokens = config.verboseMinOutputTokens
    }

    func inspect(_ c: CallContext) -> Finding? {
        let output = Int(c.record.outputTokens)
        guard output >= minOutputTokens else { return nil }
        let stoppedAtLimit = c.finishReasons.contains(.length) || c.record.flags.contains(.outputAtLimit)
        // The usual output: the team and model's, or failing that the principal's own.
        var typical = c.baseline?.medianOutput ?? 0
        var whose = "this team and model"
        if typical <= 0, let own = c.principalMedians() {
            typical = own.output
            whose = "this principal"
        }
        let farAbove = typical > 0 && Double(output) >= 5 * typical
        guard stoppedAtLimit || farAbove else { return nil }
        var parts: [String] = []
        if stoppedAtLimit {
            parts.append("the output ran to its limit (\(output) tokens\(c.maxTokens.map { " of max_tokens \($0)" } ?? ""))")
        }
        if farAbove { parts.append("\(Int((Double(output) / typical).rounded()))× the usual output of \(whose) (\(Int(typical)))") }
        let strength = (stoppedAtLimit ? 0.75 : 0.5) + (stoppedAtLimit && farAbove ? 0.15 : 0)
        return Finding(label, strength: strength, reason: "Maximal output: " + parts.joined(separator: ", ") + ", and nothing consumed it.")
    }
}
