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
        guard let first = key.rawBytes.first else { return [] }
        var families: KeyFamilies
        switch first {
        case UInt8(ascii: "g"):
            guard key.hasPrefix("gen_ai.") else { return [] }
            families = .genAI
            if key.hasPrefix("gen_ai.usage.") {
                families.insert(.genAIUsage)
            } else if key.hasPrefix("gen_ai.prompt.") {
                families.insert(.genAIPrompt)
            } else if key.hasPrefix("gen_ai.completion.") {
                families.insert(.genAICompletion)
            }
        case UInt8(ascii: "l"):
            if key.hasPrefix("langsmith.") { return .langSmith }
            guard key.hasPrefix("llm.") else { return [] }
            families = .llm
            if key.hasPrefix("llm.token_count.") {
                families.insert(.llmTokenCount)
            } else if key.hasPrefix("llm.input_messages.") {
                families.insert(.llmInputMessages)
            } else if key.hasPrefix("llm.output_messages.") {
                families.insert(.llmOutputMessages)
            } else if key.hasPrefix("llm.usage.") {
                families.insert(.llmUsage)
            }
        case UInt8(ascii: "a"):
            families = key.hasPrefix("ai.") ? .vercelAI : []
        case UInt8(ascii: "o"):
            families = key.hasPrefix("openinference.") ? .openInference : []
        case UInt8(ascii: "t"):
            families = key.hasPrefix("traceloop.") ? .traceloop : []
        default:
            families = []
        }
        return families
    }
}
