/// `retry_storm`: repeated failures of the same prompt in a short time.
/// Waste, not performance: its weight in the score is 0 by default.
struct RetryStormDetector: CallDetector {
    let label = DetectionLabel.retryStorm
    let span: UInt64 = 600_000_000_000  // 10 min
    let minimumFailures = 3

    func inspect(_ c: CallContext) -> Finding? {
        let since = c.record.start > span ? c.record.start - span : 0
        var failures = c.record.failed ? 1 : 0
        for earlier in c.history where earlier.start >= since && earlier.failed && earlier.prompt == c.record.prompt { failures += 1 }
        guard failures >= minimumFailures else { return nil }
        return Finding(label, strength: 0.3 + 0.1 * Double(failures), reason:
            "\(failures) failed attempts of this prompt in the last 10 min: retries that spend tokens without a result.")
    }
}
