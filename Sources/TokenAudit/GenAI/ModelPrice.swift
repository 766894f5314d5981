/// USD per million tokens of each kind; cache prices fall back to the input
/// price when a provider does not price them separately.
public struct ModelPrice: Sendable, Equatable {
    public var input: Double
    public var output: Double
    public var cacheRead: Double?
    public var cacheWrite: Double?

    public init(input: Double, output: Double, cacheRead: Double? = nil, cacheWrite: Double? = nil) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
    }

    /// The cost of `usage` (cache tokens are part of input; see `TokenUsage`).
    public func cost(of usage: TokenUsage) -> Double {
        let perToken = 1e-6
        let uncached = Double(usage.uncachedInput) * input
        let read = Double(usage.cacheRead ?? 0) * (cacheRead ?? input)
        let write = Double(usage.cacheCreation ?? 0) * (cacheWrite ?? input)
        let out = Double(usage.output ?? 0) * output
        return (uncached + read + write + out) * perToken
    }
}

/// The built-in list prices (USD per 1M tokens, public list prices as of
/// 2025-2026; standard tier, short context). Teams with negotiated prices
/// override them with `price_file`.
public enum BuiltinPrices {
    public static let table: [String: ModelPrice] = [
        // OpenAI
        "gpt-5": ModelPrice(input: 1.25, output: 10, cacheRead: 0.125),
        "gpt-5-mini": ModelPrice(input: 0.25, output: 2, cacheRead: 0.025),
        "gpt-5-nano": ModelPrice(input: 0.05, output: 0.40, cacheRead: 0.005),
        "gpt-4.1": ModelPrice(input: 2, output: 8, cacheRead: 0.50),
        "gpt-4.1-mini": ModelPrice(input: 0.40, output: 1.60, cacheRead: 0.10),
        "gpt-4.1-nano": ModelPrice(input: 0.10, output: 0.40, cacheRead: 0.025),
        "gpt-4o": ModelPrice(input: 2.50, output: 10, cacheRead: 1.25),
        "gpt-4o-mini": ModelPrice(input: 0.15, output: 0.60, cacheRead: 0.075),
        "gpt-4-turbo": ModelPrice(input: 10, output: 30),
        "gpt-3.5-turbo": ModelPrice(input: 0.50, output: 1.50),
        "o1": ModelPrice(input: 15, output: 60, cacheRead: 7.50),
        "o1-mini": ModelPrice(input: 1.10, output: 4.40, cacheRead: 0.55),
        "o3": ModelPrice(input: 2, output: 8, cacheRead: 0.50),
        "o3-mini": ModelPrice(input: 1.10, output: 4.40, cacheRead: 0.55),
        "o4-mini": ModelPrice(input: 1.10, output: 4.40, cacheRead: 0.275),
        "text-embedding-3-small": ModelPrice(input: 0.02, output: 0),
        "text-embedding-3-large": ModelPrice(input: 0.13, output: 0),
        // Anthropic
        "claude-opus-4-5": ModelPrice(input: 5, output: 25, cacheRead: 0.50, cacheWrite: 6.25),
        "claude-opus-4-1": ModelPrice(input: 15, output: 75, cacheRead: 1.50, cacheWrite: 18.75),
        "claude-opus-4": ModelPrice(input: 15, output: 75, cacheRead: 1.50, cacheWrite: 18.75),
        "claude-sonnet-4-5": ModelPrice(input: 3, output: 15, cacheRead: 0.30, cacheWrite: 3.75),
        "claude-sonnet-4": ModelPrice(input: 3, output: 15, cacheRead: 0.30, cacheWrite: 3.75),
        "claude-3-7-sonnet": ModelPrice(input: 3, output: 15, cacheRead: 0.30, cacheWrite: 3.75),
        "claude-3-5-sonnet": ModelPrice(input: 3, output: 15, cacheRead: 0.30, cacheWrite: 3.75),
        "claude-haiku-4-5": ModelPrice(input: 1, output: 5, cacheRead: 0.10, cacheWrite: 1.25),
        "claude-3-5-haiku": ModelPrice(input: 0.80, output: 4, cacheRead: 0.08, cacheWrite: 1),
        "claude-3-haiku": ModelPrice(input: 0.25, output: 1.25, cacheRead: 0.03, cacheWrite: 0.30),
        // Google
        "gemini-2.5-pro": ModelPrice(input: 1.25, output: 10, cacheRead: 0.31),
        "gemini-2.5-flash": ModelPrice(input: 0.30, output: 2.50, cacheRead: 0.075),
        "gemini-2.5-flash-lite": ModelPrice(input: 0.10, output: 0.40, cacheRead: 0.025),
        "gemini-2.0-flash": ModelPrice(input: 0.10, output: 0.40, cacheRead: 0.025),
        "gemini-1.5-pro": ModelPrice(input: 1.25, output: 5),
        "gemini-1.5-flash": ModelPrice(input: 0.075, output: 0.30),
        // Meta Llama on Amazon Bedrock
        "llama3-1-405b-instruct": ModelPrice(input: 2.40, output: 2.40),
        "llama3-1-70b-instruct": ModelPrice(input: 0.72, output: 0.72),
        "llama3-1-8b-instruct": ModelPrice(input: 0.22, output: 0.22),
        "llama3-3-70b-instruct": ModelPrice(input: 0.72, output: 0.72),
        "llama4-maverick-17b-instruct": ModelPrice(input: 0.24, output: 0.97),
        "llama4-scout-17b-instruct": ModelPrice(input: 0.17, output: 0.66),
        // Mistral
        "mistral-large": ModelPrice(input: 2, output: 6),
        "mistral-medium": ModelPrice(input: 0.40, output: 2),
        "mistral-small": ModelPrice(input: 0.10, output: 0.30),
        "codestral": ModelPrice(input: 0.30, output: 0.90),
        "ministral-8b": ModelPrice(input: 0.10, output: 0.10),
    ]
}
