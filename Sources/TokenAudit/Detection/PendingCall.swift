/// A call between `DetectionEngine.observe` and `decide`: the findings made
/// on arrival and the keys that trace evidence and outcomes are looked up by.
struct PendingCall: Sendable {
    var trace: UInt64
    var span: UInt64
    var end: UInt64
    var prompt: UInt64
    var conversation: UInt32
    var toolCalls: Bool
    /// Keys an outcome may have been posted under besides the trace.
    var responseLink: UInt64?
    var conversationLink: UInt64?
    var findings: [Finding] = []
    var conversationGrowing = false
    /// What the summaries record once the call is judged.
    var summary: CallSummary

    /// The summary's: one reference to the string, not two, in a value
    /// copied several times on its way to a verdict.
    var principal: String { summary.principal }

    /// `summary` is the call's own (`CallSummary(call, …)`): the principal is read from it.
    init(_ call: borrowing LLMCall, record: CallRecord, summary: CallSummary) {
        self.summary = summary
        trace = WireIDKey.of(call.traceID)
        span = WireIDKey.of(call.spanID)
        end = call.endTimeUnixNano
        prompt = record.prompt
        conversation = record.conversation
        toolCalls = record.flags.contains(.toolCalls)
        responseLink = call.responseID.map { OutcomeIndex.Link.response($0).key }
        conversationLink = call.conversationID.map { OutcomeIndex.Link.conversation($0).key }
    }
}

/// What `DetectionEngine.observe` needs of a call, computed from the
/// `LLMCall` before the ordered step (it reads no detection state), so the
/// pipeline can do it for several requests at once and drop the `LLMCall`.
struct ObservableCall: Sendable {
    var record: CallRecord
    var baselineKey: UInt64
    var pending: PendingCall
    var maxTokens: Int?
    var finishReasons: FinishReasons

    /// `baselineKey`: `BaselineTable.key` of the call's team, model and
    /// operation, when the caller has it at hand (a request repeats them).
    init(_ call: borrowing LLMCall, summary: CallSummary, baselineKey: UInt64? = nil) {
        record = CallRecord(call)
        self.baselineKey = baselineKey ?? BaselineTable.key(team: call.team, model: call.model, operation: call.operation)
        pending = PendingCall(call, record: record, summary: summary)
        maxTokens = call.maxTokens
        finishReasons = call.finishReasons
    }
}

extension CallRecord {
    init(_ call: borrowing LLMCall) {
        var flags: Flags = []
        if call.errorType != nil { flags.insert(.failed) }
        if call.fingerprint.kind == .content { flags.insert(.content) }
        if let limit = call.maxTokens, limit > 0, let output = call.usage.output, Double(output) >= 0.9 * Double(limit) {
            flags.insert(.outputAtLimit)
        }
        if call.finishReasons.contains(.toolCalls) { flags.insert(.toolCalls) }
        let agent = call.agentID ?? call.agentName ?? (call.principal.kind == .user ? call.service : nil)
        self.init(
            start: call.startTimeUnixNano,
            prompt: call.fingerprint.prompt,
            sketch: call.fingerprint.promptSketch,
            context: call.fingerprint.largestMessage?.folded ?? 0,
            system: call.fingerprint.systemPrompt?.folded ?? 0,
            inputTokens: UInt32(clamping: call.usage.input ?? 0),
            outputTokens: UInt32(clamping: call.usage.output ?? 0),
            agent: agent.map { StableHash.of($0).folded } ?? 0,
            conversation: call.conversationID.map { StableHash.of($0).folded } ?? 0,
            durationMilliseconds: UInt32(clamping: Int(call.durationSeconds * 1000)),
            flags: flags)
    }
}
