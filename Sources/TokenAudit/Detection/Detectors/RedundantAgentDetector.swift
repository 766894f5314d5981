/// `redundant_agent`: several agents or jobs of one owner doing the same
/// thing: the same system prompt and the same task (prompt fingerprint, or
/// input size within 5% when content is not captured).
struct RedundantAgentDetector: CallDetector {
    let label = DetectionLabel.redundantAgent
    /// `near_duplicate_bits`.
    let nearDuplicateBits: Int

    init(config: DetectionConfig) {
        nearDuplicateBits = config.nearDuplicateBits
    }

    func inspect(_ c: CallContext) -> Finding? {
        guard c.record.agent != 0 else { return nil }
        var others = Set<UInt32>()
        let input = Double(c.record.inputTokens)
        for earlier in c.history where earlier.agent != 0 && earlier.agent != c.record.agent {
            let sameSystem = c.record.system != 0 && earlier.system == c.record.system
            let sameTask = earlier.samePrompt(as: c.record, maxDistance: nearDuplicateBits)
                || (sameSystem && abs(Double(earlier.inputTokens) - input) <= input * 0.05)
            if sameTask && (sameSystem || c.record.system == 0) { others.insert(earlier.agent) }
        }
        guard !others.isEmpty else { return nil }
        return Finding(label, strength: 0.35 + 0.2 * Double(others.count), reason:
            "\(others.count + 1) agents or jobs of this owner ran the same task with the same system prompt within the window.")
    }
}
