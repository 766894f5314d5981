/// A rough CO2e estimate per token: one factor for every model, since
/// providers publish no per-model figures. The default, 0.69 g per 1,000
/// tokens, follows a published estimate (10 M tokens a day ≈ 2.5 t CO2e a
/// year); `co2_grams_per_1k_tokens` replaces it.
public struct EmissionEstimate: Sendable, Equatable {
    public var gramsPer1kTokens: Double

    public init(gramsPer1kTokens: Double = 0.69) {
        self.gramsPer1kTokens = gramsPer1kTokens
    }

    /// Grams of CO2e for the tokens a call processed (input and output).
    public func grams(for usage: TokenUsage) -> Double {
        Double((usage.input ?? 0) + (usage.output ?? 0)) * gramsPer1kTokens / 1000
    }
}
