/// What a `CallDetector` sees when a call arrives: the call, the principal's
/// earlier calls inside the window (span time, so replaying a week in
/// seconds sees the same history as living through it), and the group's
/// baseline. Thresholds are the detectors' own (set from the config when
/// they are made), so the context holds no copy of the config.
struct CallContext {
    let record: CallRecord
    let history: ArraySlice<CallRecord>
    let window: PrincipalWindow
    let baseline: BaselineTable.Baseline?
    let maxTokens: Int?
    let finishReasons: FinishReasons

    /// The principal's own median input and output over its successful
    /// calls in the window (nil below 8 of them). Computed on demand: only
    /// detectors whose cheap checks passed pay for it.
    func principalMedians() -> (input: Double, output: Double)? {
        let successful = history.filter { !$0.failed }
        guard successful.count >= 8 else { return nil }
        return (RobustStatistics.median(successful.map { Double($0.inputTokens) }) ?? 0,
                RobustStatistics.median(successful.map { Double($0.outputTokens) }) ?? 0)
    }

    /// "42 min", "3 h", "2 d": the span between the oldest matching call and this one.
    func elapsed(since start: UInt64) -> String {
        Self.describe(seconds: Double(record.start &- start) / 1e9)
    }

    static func describe(seconds: Double) -> String {
        switch seconds {
        case ..<120: "\(Int(seconds.rounded())) s"
        case ..<7200: "\(Int((seconds / 60).rounded())) min"
        case ..<172_800: "\(Int((seconds / 3600).rounded())) h"
        default: "\(Int((seconds / 86400).rounded())) d"
        }
    }
}

/// A detector that judges a call from the principal's history, as it arrives.
protocol CallDetector: Sendable {
    var label: DetectionLabel { get }
    func inspect(_ context: CallContext) -> Finding?
}
