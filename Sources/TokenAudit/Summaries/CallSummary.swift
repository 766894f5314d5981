import OTLPWire

/// One judged leaf call as the summaries keep it: who, which model, when
/// (the UTC hour of its span start), how many tokens, what it cost, and the
/// verdict with its findings. No content.
public struct CallSummary: Sendable, Equatable {
    public var principal: String
    public var team: String
    public var model: String
    /// Span start, Unix hours (span time, DESIGN.md §3.3).
    public var hour: Int64
    /// The trace id's bytes (shared with the call, not copied); rendered as
    /// hex only when it becomes a finding's example.
    public var traceID: WireID
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheReadTokens: Int
    /// Nil when the model has no price.
    public var cost: Double?
    public var co2Grams: Double

    public var tokens: Int { inputTokens + outputTokens }

    /// Same (hour, principal, team, model): one usage row of the summaries.
    func sharesUsageKey(with other: CallSummary) -> Bool {
        hour == other.hour && principal == other.principal && team == other.team && model == other.model
    }

    init(_ call: borrowing LLMCall, cost: Double?, co2Grams: Double) {
        principal = call.principal.id
        team = call.team ?? ""
        model = call.model ?? ""
        hour = Int64(call.startTimeUnixNano / 3_600_000_000_000)
        traceID = call.traceID
        inputTokens = call.usage.input ?? 0
        outputTokens = call.usage.output ?? 0
        cacheReadTokens = call.usage.cacheRead ?? 0
        self.cost = cost
        self.co2Grams = co2Grams
    }
}
