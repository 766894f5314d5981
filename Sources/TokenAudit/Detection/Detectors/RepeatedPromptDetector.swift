/// `repeated_prompt`: one principal sends the same prompt (exact, or a
/// near-duplicate SimHash) again and again. Failed calls do not count, so
/// retries after a 429 or 5xx are not repetition; one repeat (asking the same
/// thing twice) is not either.
struct RepeatedPromptDetector: CallDetector {
    let label = DetectionLabel.repeatedPrompt
    /// `near_duplicate_bits`, `min_repeats`, `min_metadata_repeats`.
    let nearDuplicateBits: Int
    let minRepeats: Int
    let minMetadataRepeats: Int

    init(config: DetectionConfig) {
        nearDuplicateBits = config.nearDuplicateBits
        minRepeats = config.minRepeats
        minMetadataRepeats = config.minMetadataRepeats
    }

    func inspect(_ c: CallContext) -> Finding? {
        let content = c.record.flags.contains(.content)
        var repeats = 0
        var oldest = c.record.start
        for earlier in c.history where !earlier.failed && earlier.samePrompt(as: c.record, maxDistance: nearDuplicateBits) {
            repeats += 1
            oldest = min(oldest, earlier.start)
        }
        let needed = content ? minRepeats : minMetadataRepeats
        guard repeats >= needed else { return nil }
        // Without content the stand-in fingerprint (model + exact input
        // tokens) can collide by chance; a loop makes it dominate the history.
        let share = Double(repeats) / Double(max(1, c.history.count))
        if !content, share < 0.15 { return nil }
        let strength = 0.5 + 0.1 * Double(repeats - needed) + (content ? 0.1 : 0)
        let what = content ? "Same prompt (or a near copy)" : "Same model, system prompt and exact input size (\(c.record.inputTokens) tokens; content not captured)"
        return Finding(label, strength: strength, reason:
            "\(what) sent \(repeats) times before in \(c.elapsed(since: oldest)), \(Int((share * 100).rounded()))% of this principal's recent calls, none of them a retry after an error.")
    }
}
