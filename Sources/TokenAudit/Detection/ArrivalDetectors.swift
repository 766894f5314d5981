/// The detectors that judge a call as it arrives (`DetectionEngine.observe`),
/// each switched by its `DetectorSettings`, run in vocabulary order (the
/// order the combiner and `VerdictAttributes` expect findings in).
///
/// Concrete fields, not `[any CallDetector]`: iterating existentials copied
/// each detector out of the array and dispatched through its witness table,
/// about 350 instructions per call for six calls that are known at compile
/// time. `CallDetector` stays the shape every detector has.
struct ArrivalDetectors: Sendable {
    private let repeatedPrompt: RepeatedPromptDetector
    private let automatedLoop = AutomatedLoopDetector()
    private let contextBloat: ContextBloatDetector
    private let verboseOutput: VerboseOutputDetector
    private let redundantAgent: RedundantAgentDetector
    private let retryStorm = RetryStormDetector()
    /// By `DetectionLabel.ordinal`.
    private let enabled: [Bool]

    init(config: DetectionConfig) {
        repeatedPrompt = RepeatedPromptDetector(config: config)
        contextBloat = ContextBloatDetector(config: config)
        verboseOutput = VerboseOutputDetector(config: config)
        redundantAgent = RedundantAgentDetector(config: config)
        enabled = config.settingsByOrdinal.map(\.enabled)
    }

    /// Appends what every enabled detector finds in `context`.
    func inspect(_ context: CallContext, into findings: inout [Finding]) {
        run(repeatedPrompt, context, &findings)
        run(automatedLoop, context, &findings)
        run(contextBloat, context, &findings)
        run(verboseOutput, context, &findings)
        run(redundantAgent, context, &findings)
        run(retryStorm, context, &findings)
    }

    /// Generic, so each call is specialised to its detector: static dispatch.
    @inline(__always)
    private func run<D: CallDetector>(_ detector: D, _ context: CallContext, _ findings: inout [Finding]) {
        guard enabled[detector.label.ordinal], let finding = detector.inspect(context) else { return }
        findings.append(finding)
    }
}
