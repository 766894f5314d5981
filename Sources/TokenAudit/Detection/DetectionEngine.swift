import Synchronization

/// Judges LLM calls in two steps (DESIGN.md §6):
///
/// 1. `observe`, as a call arrives and in arrival order: every `CallDetector`
///    reads the principal's history *before* the call (span time), then the
///    call joins that history and its group's baseline. Replaying a week in
///    seconds therefore gives the same findings as living through it.
/// 2. `decide`, once the request carrying the call has been held for
///    `decision_wait`: trace-level evidence (a later span that used the
///    output, an outcome, a follow-up turn) is added, `unused_output` is
///    judged, and the combiner gives the verdict.
///
/// All state sits behind one lock; each step takes it once per call.
public final class DetectionEngine: Sendable {
    private struct State: Sendable {
        var principals: PrincipalTable
        var baselines = BaselineTable()
        var traces = TraceTable()
    }

    public let config: DetectionConfig
    public let outcomes: OutcomeIndex
    private let detectors: ArrivalDetectors
    private let combiner: VerdictCombiner
    /// `config.window` in span-time nanoseconds (`Duration.components` costs a division per call).
    private let windowNanoseconds: UInt64
    private let state: Mutex<State>

    public init(config: DetectionConfig = DetectionConfig(), outcomes: OutcomeIndex = OutcomeIndex()) {
        self.config = config
        self.outcomes = outcomes
        detectors = ArrivalDetectors(config: config)
        combiner = VerdictCombiner(config: config)
        windowNanoseconds = UInt64(config.window.components.seconds) * 1_000_000_000
        state = Mutex(State(principals: PrincipalTable(
            maxPrincipals: config.maxPrincipals, historyPerPrincipal: config.historyPerPrincipal)))
    }

    /// Step 1 for a leaf model call; retains its trace until `decide`.
    func observe(_ call: LLMCall) -> PendingCall {
        observe(ObservableCall(call, summary: CallSummary(call, cost: nil, co2Grams: 0)))
    }

    /// Step 1 for a call prepared beforehand (off the ordered path).
    func observe(_ call: ObservableCall) -> PendingCall {
        // The plain fields the lock's closures need, taken out first: a
        // closure that captured `call` copied it (a retain per string), and
        // destructuring it did too.
        let (record, baselineKey, maxTokens, finishReasons) = (call.record, call.baselineKey, call.maxTokens, call.finishReasons)
        let (principal, trace, span) = (call.pending.principal, call.pending.trace, call.pending.span)
        let window = windowNanoseconds
        let (findings, growing) = state.withLock { s -> ([Finding], Bool) in
            let baseline = s.baselines.baseline(baselineKey)
            var findings: [Finding] = []
            var growing = false
            let capacity = s.principals.historyPerPrincipal
            s.principals.withWindow(principal) { principalWindow in
                // Scoped: the history slice shares the window's storage, and
                // still alive at `insert` it would make every insert copy the
                // whole window.
                do {
                    let history = principalWindow.history(before: record.start, within: window)
                    let context = CallContext(
                        record: record, history: history, window: principalWindow, baseline: baseline,
                        maxTokens: maxTokens, finishReasons: finishReasons)
                    detectors.inspect(context, into: &findings)
                    if record.conversation != 0 {
                        growing = history.contains { $0.conversation == record.conversation && $0.inputTokens < record.inputTokens }
                    }
                }
                principalWindow.insert(record, capacity: capacity)
            }
            if !record.failed { s.baselines.add(baselineKey, input: record.inputTokens, output: record.outputTokens) }
            s.traces.retain(trace)
            s.traces.record(.init(span: span, start: record.start, prompt: record.prompt), in: trace)
            return (findings, growing)
        }
        var result = call.pending
        result.findings = findings
        result.conversationGrowing = growing
        return result
    }

    /// Whether any trace is being assembled (if not, other spans need no look).
    var isAssembling: Bool { state.withLock { !$0.traces.isEmpty } }

    /// Runs `body` on the traces being assembled, under the engine's lock.
    func withTraces(_ body: (inout TraceTable) -> Void) {
        state.withLock { body(&$0.traces) }
    }

    /// Step 2: the verdict on a call observed earlier; releases its trace.
    func decide(_ pending: PendingCall) -> Decision {
        var evidence = GenuineEvidence()
        evidence.toolCalls = pending.toolCalls
        evidence.conversationGrowing = pending.conversationGrowing
        let others = state.withLock { s -> Int in
            if pending.conversation != 0 {
                evidence.conversationContinued = s.principals.continues(
                    pending.principal, conversation: pending.conversation, after: pending.end)
            }
            let trace = s.traces.settle(span: pending.span, endingAt: pending.end, prompt: pending.prompt, in: pending.trace)
            evidence.outcome = trace.outcome
            evidence.consumedBy = trace.consumed
            return trace.otherSpans
        }
        if evidence.outcome == nil {
            // The trace key is the trace link's key (both hash the trace id).
            evidence.outcome = outcomes.firstOutcome(pending.trace, pending.responseLink, pending.conversationLink)?.kind
        }

        var findings = pending.findings
        if evidence.isConsumed {
            findings.removeAll { $0.label == .verboseOutput }
        } else if combiner.settings(.unusedOutput).enabled {
            let alone = others == 0
            findings.append(Finding(.unusedOutput, strength: alone ? 0.5 : 0.4, reason: alone
                ? "Nothing used the output: the call was alone in its trace, asked for no tool, and no outcome or follow-up turn was linked."
                : "Nothing used the output: none of the \(others) other spans of its trace started after it, it asked for no tool, and no outcome or follow-up turn was linked."))
        }
        return combiner.decide(findings, evidence: evidence)
    }

    /// Gives the trace back without a verdict (a call that is not judged).
    func abandon(_ pending: PendingCall) {
        state.withLock { $0.traces.release(pending.trace) }
    }

    // MARK: state

    public var trackedPrincipals: Int { state.withLock { $0.principals.count } }
    public var heldTraces: Int { state.withLock { $0.traces.count } }
    /// Bytes of principal state (records, histograms, keys).
    public var principalStateBytes: Int { state.withLock { $0.principals.footprint } }

    /// Every principal's window, for a snapshot.
    func snapshot() -> [String: PrincipalWindow] {
        state.withLock { $0.principals.windows }
    }

    func restore(_ windows: [String: PrincipalWindow]) {
        state.withLock { s in
            for (principal, window) in windows { s.principals.restore(principal, window) }
        }
    }
}
