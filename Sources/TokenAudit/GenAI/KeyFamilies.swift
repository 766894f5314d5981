import OTLPWire

/// The attribute-name families a span's keys belong to, found in the one
/// pass that reads its keys. Dialect detection, classification and the
/// indexed content families ask "is any key `gen_ai.prompt.*`?" many times
/// per span; with the families recorded, each question is a bit test
/// instead of a prefix comparison against every key.
struct KeyFamilies: OptionSet, Sendable {
    let rawValue: UInt32

    /// `gen_ai.*`
    static let genAI = KeyFamilies(rawValue: 1 << 0)
    /// `gen_ai.prompt.*` (OpenLLMetry indexed prompts)
    static let genAIPrompt = KeyFamilies(rawValue: 1 << 1)
    /// `gen_ai.completion.*` (OpenLLMetry indexed completions)
    static let genAICompletion = KeyFamilies(rawValue: 1 << 2)
    /// `gen_ai.usage.*`
    static let genAIUsage = KeyFamilies(rawValue: 1 << 3)
    /// `llm.*`
    static let llm = KeyFamilies(rawValue: 1 << 4)
    /// `llm.token_count.*` (OpenInference)
    static let llmTokenCount = KeyFamilies(rawValue: 1 << 5)
    /// `llm.input_messages.*` (OpenInference)
    static let llmInputMessages = KeyFamilies(rawValue: 1 << 6)
    /// `llm.output_messages.*` (OpenInference)
    static let llmOutputMessages = KeyFamilies(rawValue: 1 << 7)
    /// `llm.usage.*` (OpenLLMetry)
    static let llmUsage = KeyFamilies(rawValue: 1 << 8)
    /// `ai.*` (Vercel AI SDK)
    static let vercelAI = KeyFamilies(rawValue: 1 << 9)
    /// `openinference.*`
    static let openInference = KeyFamilies(rawValue: 1 << 10)
    /// `traceloop.*`
    static let traceloop = KeyFamilies(rawValue: 1 << 11)
    /// `langsmith.*`
    static let langSmith = KeyFamilies(rawValue: 1 << 12)
    /// A key `ContentRedactor.isContentKey` names: prompt or completion text.
    static let content = KeyFamilies(rawValue: 1 << 13)

    /// Families that mark a span as possibly GenAI.
    static let genAIMarkers: KeyFamilies = [.genAI, .llm, .vercelAI, .openInference]

    /// The families of one key: the first byte picks the candidates, so a
    /// key outside every family costs one comparison at most.
    static func of(_ key: WireString) -> KeyFamilies {
        switch key.rawBytes.first {
        case UInt8(ascii: "g"):
            key.hasPrefix("gen_ai.") ? with(.genAI, narrowedBy: genAISubfamilies, key) : []
        case UInt8(ascii: "l"):
            key.hasPrefix("langsmith.") ? .langSmith : key.hasPrefix("llm.") ? with(.llm, narrowedBy: llmSubfamilies, key) : []
        case UInt8(ascii: "a"):
            key.hasPrefix("ai.") ? .vercelAI : []
        case UInt8(ascii: "o"):
            key.hasPrefix("openinference.") ? .openInference : []
        case UInt8(ascii: "t"):
            key.hasPrefix("traceloop.") ? .traceloop : []
        default:
            []
        }
    }

    /// `of(key)`, with `.content` when `ContentRedactor.isContentKey(key)`.
    static func includingContent(of key: WireString) -> KeyFamilies {
        ContentRedactor.isContentKey(key) ? of(key).union(.content) : of(key)
    }

    /// Families within `gen_ai.` and `llm.` (a key is in at most one of each list).
    private static let genAISubfamilies: [(prefix: StaticString, family: KeyFamilies)] = [
        ("gen_ai.usage.", .genAIUsage), ("gen_ai.prompt.", .genAIPrompt), ("gen_ai.completion.", .genAICompletion),
    ]
    private static let llmSubfamilies: [(prefix: StaticString, family: KeyFamilies)] = [
        ("llm.token_count.", .llmTokenCount), ("llm.input_messages.", .llmInputMessages),
        ("llm.output_messages.", .llmOutputMessages), ("llm.usage.", .llmUsage),
    ]

    private static func with(_ family: KeyFamilies, narrowedBy subfamilies: [(prefix: StaticString, family: KeyFamilies)],
                             _ key: WireString) -> KeyFamilies {
        for sub in subfamilies where key.hasPrefix(sub.prefix) { return [family, sub.family] }
        return family
    }
}
