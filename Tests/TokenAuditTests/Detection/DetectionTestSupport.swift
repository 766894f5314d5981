@testable import TokenAudit

/// Builds `LLMCall`s for detector tests: one principal, times in seconds
/// from an arbitrary origin, everything else overridable.
struct CallFactory {
    var principal = "alice"
    var team: String? = "platform"
    var origin: UInt64 = 1_790_000_000 * 1_000_000_000
    private var next: UInt8 = 0

    init(principal: String = "alice") {
        self.principal = principal
    }

    mutating func call(
        at seconds: Double, prompt: UInt64 = 1, content: Bool = false, input: Int = 500, output: Int = 300,
        maxTokens: Int? = nil, finish: FinishReasons = .stop, failed: Bool = false, conversation: String? = nil,
        agent: String? = nil, system: UInt64? = nil, largestMessage: UInt64? = nil, trace: [UInt8]? = nil, duration: Double = 2
    ) -> LLMCall {
        next &+= 1
        let start = origin + UInt64(seconds * 1e9)
        return LLMCall(
            traceID: WireID(trace ?? [UInt8](repeating: next, count: 15) + [UInt8(truncatingIfNeeded: Int(seconds))]),
            spanID: WireID([UInt8](repeating: next, count: 7) + [UInt8(truncatingIfNeeded: Int(seconds) >> 8)]),
            parentSpanID: [], startTimeUnixNano: start, endTimeUnixNano: start + UInt64(duration * 1e9),
            dialect: .semconv, operation: .chat, isAggregate: false, provider: "openai",
            requestModel: "gpt-4o", responseModel: nil,
            usage: TokenUsage(input: input, output: output), maxTokens: maxTokens, finishReasons: finish, isStreaming: false,
            errorType: failed ? "429" : nil, responseID: nil, conversationID: conversation, agentID: agent, agentName: nil,
            principal: Principal(id: principal, kind: .user, source: "user.id"), team: team, service: "app",
            fingerprint: ContentFingerprint(
                kind: content ? .content : .metadata, prompt: prompt, promptSketch: content ? prompt : 0, systemPrompt: system,
                largestMessage: largestMessage, promptCharacters: content ? 100 : 0, completion: nil, completionCharacters: nil),
            problems: [])
    }
}

extension DetectionEngine {
    /// Observes and decides at once (no trace evidence arrives in between).
    func judge(_ call: LLMCall) -> Decision {
        decide(observe(call))
    }
}
