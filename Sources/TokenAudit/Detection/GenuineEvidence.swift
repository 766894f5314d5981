/// What speaks for a call being real work (DESIGN.md §6): each kind is
/// enough to outweigh a single weak detector.
struct GenuineEvidence: Sendable, Equatable {
    /// An outcome was linked to the call (API, or `tokenaudit.outcome` in its trace).
    var outcome: String?
    /// A later span of the trace consumed the output (tool run, write, next step).
    var consumedBy: Bool = false
    /// The model asked for tools: the output feeds the next step.
    var toolCalls: Bool = false
    /// The call continues a conversation that has grown since its last turn.
    var conversationGrowing: Bool = false
    /// A later turn of the same conversation arrived before the decision.
    var conversationContinued: Bool = false

    var isConsumed: Bool { outcome != nil || consumedBy || toolCalls || conversationContinued }

    /// How much of the performative score it cancels (0...1).
    var strength: Double {
        if outcome != nil { return 0.8 }
        if consumedBy || toolCalls || conversationContinued { return 0.55 }
        if conversationGrowing { return 0.35 }
        return 0
    }
}

/// The verdict on one call, with its evidence.
public struct Decision: Sendable, Equatable {
    public var verdict: Verdict
    public var score: Double
    /// Findings at or above the label threshold, in vocabulary order.
    public var findings: [Finding]
    /// The outcome linked to the call, if any.
    public var outcome: String?

    public var labels: [DetectionLabel] { findings.map(\.label) }
}

/// Strengths → score and verdict. Performative evidence combines as a
/// noisy-OR of weighted strengths (independent signals reinforce each
/// other, none can exceed 1); genuine evidence then scales it down.
/// `automated_loop` alone is capped: honest batch jobs are automated too.
struct VerdictCombiner: Sendable {
    /// Each label's settings by `DetectionLabel.ordinal`, resolved once: the
    /// combiner asks two or three times per finding of every call.
    private let settings: [DetectorSettings]
    private let labelThreshold: Double
    private let suspectThreshold: Double
    private let performativeThreshold: Double
    static let loopCapAlone = 0.25

    init(config: DetectionConfig) {
        settings = config.settingsByOrdinal
        labelThreshold = config.labelThreshold
        suspectThreshold = config.suspectThreshold
        performativeThreshold = config.performativeThreshold
    }

    func settings(_ label: DetectionLabel) -> DetectorSettings { settings[label.ordinal] }

    func decide(_ findings: [Finding], evidence: GenuineEvidence) -> Decision {
        let corroborated = findings.contains {
            ($0.label == .repeatedPrompt || $0.label == .unusedOutput || $0.label == .contextBloat
             || $0.label == .verboseOutput || $0.label == .redundantAgent) && $0.strength >= labelThreshold
        }
        var remaining = 1.0
        for finding in findings {
            let settings = settings(finding.label)
            guard settings.enabled else { continue }
            var strength = finding.strength
            if finding.label == .automatedLoop, !corroborated { strength = min(strength, Self.loopCapAlone) }
            remaining *= 1 - settings.weight * strength
        }
        let score = (1 - remaining) * (1 - evidence.strength)
        let verdict: Verdict = score >= performativeThreshold ? .performative
            : score >= suspectThreshold ? .suspect : .genuine
        // Filtered and sorted only when needed: the array is usually shared
        // with the pending call, and any mutation would copy it.
        var labelled = findings.allSatisfy { isShown($0) } ? findings : findings.filter { isShown($0) }
        if !zip(labelled, labelled.dropFirst()).allSatisfy({ $0.label <= $1.label }) { labelled.sort { $0.label < $1.label } }
        return Decision(verdict: verdict, score: (score * 1000).rounded() / 1000, findings: labelled, outcome: evidence.outcome)
    }

    private func isShown(_ finding: Finding) -> Bool {
        finding.strength >= labelThreshold && settings(finding.label).enabled
    }
}
