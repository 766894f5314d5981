/// `automated_loop`: machine cadence. Regular inter-arrival times (a low
/// coefficient of variation survives uniform jitter of ±50%), no human
/// think-time, at hours the principal otherwise does not work. Honest batch
/// jobs are regular too: the combiner lets this count fully only beside
/// repetition or unused output.
struct AutomatedLoopDetector: CallDetector {
    let label = DetectionLabel.automatedLoop
    /// Gaps needed before cadence means anything.
    let minimumGaps = 6
    let recentCalls = 12

    func inspect(_ c: CallContext) -> Finding? {
        let recent = c.history.suffix(recentCalls)
        guard recent.count >= minimumGaps, var previous = recent.first?.start else { return nil }
        // Welford's running mean and variance: no array per call.
        var gaps = 0, mean = 0.0, squares = 0.0
        func add(_ gap: Double) {
            gaps += 1
            let delta = gap - mean
            mean += delta / Double(gaps)
            squares += delta * (gap - mean)
        }
        for record in recent.dropFirst() {
            add(Double(record.start - previous) / 1e9)
            previous = record.start
        }
        add(Double(c.record.start - previous) / 1e9)
        guard mean > 0 else { return nil }
        let variation = (squares / Double(gaps - 1)).squareRoot() / mean
        // 0.5 or more is human-like; uniform ±50% jitter gives 0.29.
        let regularity = min(1, max(0, (0.5 - variation) / 0.3))
        guard regularity > 0 else { return nil }
        var strength = 0.8 * regularity
        var reason = "Machine cadence: \(gaps + 1) calls every \(CallContext.describe(seconds: mean)) (coefficient of variation \(Self.format(variation)))"
        if mean < 5 {
            strength += 0.15
            reason += ", no human think-time between them"
        }
        if let share = c.window.shareOfActivity(near: c.record.start), share < 0.05 {
            strength += 0.2
            let hour = (c.record.start / 3_600_000_000_000) % 24
            reason += ", at \(hour):00 UTC, when this principal makes \(Int((share * 100).rounded()))% of its calls"
        }
        return Finding(label, strength: strength, reason: reason + ".")
    }

    static func format(_ value: Double) -> String {
        String(Double(Int((value * 100).rounded())) / 100)
    }
}
