/// `context_bloat`: input far above the group's baseline with a tiny output,
/// or the same large context (the same longest message, or without content
/// the same input size within 64 tokens) pasted again and again in front of short
/// questions. Heavy RAG users vary their contexts and get real answers.
struct ContextBloatDetector: CallDetector {
    let label = DetectionLabel.contextBloat
    /// An answer this small next to its input is "a short question" (stuffed
    /// prompts measure 0.1–0.6%; RAG answers run higher).
    static let tinyOutputShare = 0.02
    /// `bloat_min_input_tokens`, `bloat_factor`.
    let minInputTokens: Int
    let factor: Double

    init(config: DetectionConfig) {
        minInputTokens = config.bloatMinInputTokens
        factor = config.bloatFactor
    }

    func inspect(_ c: CallContext) -> Finding? {
        let input = Double(c.record.inputTokens)
        guard c.record.inputTokens >= minInputTokens else { return nil }
        let outputShare = Double(c.record.outputTokens) / input
        guard outputShare <= Self.tinyOutputShare else { return nil }
        let typical = c.baseline?.medianInput
        let ratio = typical.map { input / max(1, $0) }
        // Far above in both senses: a multiple of the median, and outside the
        // group's spread (3 scaled MADs), so a team of heavy users is its own norm.
        let farAbove = c.baseline.map { b in
            input / max(1, b.medianInput) >= factor && input > b.medianInput + 3 * 1.4826 * b.inputDeviation
        } ?? false

        var samePasted = 0
        for earlier in c.history where earlier.inputTokens >= UInt32(minInputTokens) {
            let sameDocument = c.record.context != 0 && earlier.context == c.record.context && earlier.prompt != c.record.prompt
            let sameSize = c.record.context == 0 && abs(Double(earlier.inputTokens) - input) <= 64
            if sameDocument || sameSize, Double(earlier.outputTokens) <= Double(earlier.inputTokens) * Self.tinyOutputShare { samePasted += 1 }
        }
        guard farAbove || samePasted >= 2 else { return nil }
        var strength = farAbove ? 0.45 : 0.25
        strength += 0.15 * Double(min(samePasted, 4))
        var reason = "\(c.record.inputTokens) input tokens for \(c.record.outputTokens) output tokens (\(Self.percent(outputShare)) out)"
        if let ratio, farAbove { reason += ", \(Self.times(ratio)) the median input of this team and model (\(Int(typical ?? 0)))" }
        if samePasted > 0 { reason += "; the same large context was sent \(samePasted) times before with equally short answers" }
        if let own = c.principalMedians(), own.input >= Double(minInputTokens) {
            reason += "; this principal's median input is \(Int(own.input)) tokens"
        }
        return Finding(label, strength: strength, reason: reason + ".")
    }

    static func percent(_ share: Double) -> String { share < 0.01 ? "<1%" : "\(Int((share * 100).rounded()))%" }
    static func times(_ ratio: Double) -> String { "\(Int(ratio.rounded()))×" }
}
