/// `processors.tokenaudit`: how LLM calls are attributed, priced and judged.
public struct TokenAuditProcessorConfig: Sendable, Equatable {
    /// Span, then resource attributes naming the principal; the first present wins.
    public var principalAttributes = [
        "user.id", "enduser.id", "traceloop.association.properties.user_id",
        "langsmith.metadata.user_id", "ai.telemetry.metadata.userId",
    ]
    public var teamAttribute = "team"
    /// Wall-clock time a trace is held before it is labelled.
    public var decisionWait: Duration = .seconds(2)
    /// CSV or YAML principal → team (and display name); reloaded on SIGHUP.
    public var directoryFile: String?
    /// Price overrides: LiteLLM's JSON, or our YAML (USD per 1M tokens).
    public var priceFile: String?
    /// Grams of CO2e per 1,000 tokens (a published estimate: 10M tokens/day ≈ 2.5 t/year).
    public var co2GramsPer1kTokens = 0.69
    /// Leave prompt and completion content (attributes, span events, GenAI
    /// log bodies) out of what is forwarded, after fingerprinting, so the
    /// backend never stores raw prompts unless this is turned off.
    public var redactContent = true
    /// Detector thresholds, weights and memory bounds.
    public var detection = DetectionConfig()

    public init() {}

    init(_ m: inout ConfigMapping) {
        principalAttributes = m.stringList("principal_attributes", default: principalAttributes)
        if principalAttributes.isEmpty { m.report("principal_attributes", "must name at least one attribute") }
        teamAttribute = m.string("team_attribute", default: teamAttribute)
        decisionWait = m.duration("decision_wait", default: decisionWait)
        if decisionWait > .seconds(600) { m.report("decision_wait", "must be at most 10m") }
        if m.has("directory_file") { directoryFile = m.string("directory_file", default: "") }
        if m.has("price_file") { priceFile = m.string("price_file", default: "") }
        co2GramsPer1kTokens = m.double("co2_grams_per_1k_tokens", default: co2GramsPer1kTokens, range: 0...1000)
        redactContent = m.bool("redact_content", default: redactContent)
        var detectionMap = m.mapping("detection")
        detection = DetectionConfig(&detectionMap)
        detectionMap.finish()
    }
}
