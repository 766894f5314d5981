/// One LLM operation, normalised from whatever instrumentation dialect
/// described it. Owned values only: it outlives the request buffer.
///
/// Token semantics follow the GenAI semantic conventions: cache-read and
/// cache-creation tokens are PART of `input`, reasoning tokens PART of
/// `output`; none of them is added on top.
public struct LLMCall: Sendable, Equatable {
    public var traceID: WireID
    public var spanID: WireID
    public var parentSpanID: WireID
    public var startTimeUnixNano: UInt64
    public var endTimeUnixNano: UInt64

    public var dialect: GenAIDialect
    public var operation: LLMOperation
    /// An agent / chain / workflow span whose usage sums its children's: its
    /// tokens are recorded but never counted again.
    public var isAggregate: Bool

    public var provider: String?
    public var requestModel: String?
    public var responseModel: String?
    /// The response model when known, else the requested one.
    public var model: String? { responseModel ?? requestModel }

    public var usage: TokenUsage
    public var maxTokens: Int?
    public var finishReasons: FinishReasons
    public var isStreaming: Bool
    /// Span status ERROR or an `error.type` attribute.
    public var errorType: String?
    public var responseID: String?
    public var conversationID: String?
    public var agentID: String?
    public var agentName: String?

    public var principal: Principal
    public var team: String?
    /// `service.name` of the resource that sent the span.
    public var service: String?

    public var fingerprint: ContentFingerprint

    /// Problems met while reading the span (a token count that was not a
    /// number, a negative count, ...): the call is still recorded.
    public var problems: [String]

    /// Duration in seconds, 0 when the timestamps are missing or reversed.
    public var durationSeconds: Double {
        endTimeUnixNano > startTimeUnixNano ? Double(endTimeUnixNano - startTimeUnixNano) / 1e9 : 0
    }
}

/// Which instrumentation library's conventions a span follows.
public enum GenAIDialect: String, Sendable, Equatable, CaseIterable {
    /// OpenTelemetry GenAI semantic conventions (1.26 onwards).
    case semconv
    /// Traceloop OpenLLMetry.
    case openLLMetry = "openllmetry"
    /// Arize OpenInference.
    case openInference = "openinference"
    /// Vercel AI SDK (≤ 6, `ai.*` attributes).
    case vercelAI = "vercel_ai"
    /// LangSmith's OpenTelemetry export.
    case langSmith = "langsmith"
}

/// `gen_ai.operation.name`, with the other dialects mapped onto it.
public enum LLMOperation: Sendable, Equatable, CustomStringConvertible {
    case chat
    case textCompletion
    case generateContent
    case embeddings
    case executeTool
    case invokeAgent
    case createAgent
    case other(String)

    public init(name: String) {
        switch name.lowercasedWhenNeeded {
        case "chat", "chat_completion", "chatcompletion": self = .chat
        case "text_completion", "completion", "completions": self = .textCompletion
        case "generate_content": self = .generateContent
        case "embeddings", "embedding", "embed": self = .embeddings
        case "execute_tool", "tool": self = .executeTool
        case "invoke_agent", "agent": self = .invokeAgent
        case "create_agent": self = .createAgent
        default: self = .other(name)
        }
    }

    public var description: String {
        switch self {
        case .chat: "chat"
        case .textCompletion: "text_completion"
        case .generateContent: "generate_content"
        case .embeddings: "embeddings"
        case .executeTool: "execute_tool"
        case .invokeAgent: "invoke_agent"
        case .createAgent: "create_agent"
        case .other(let name): name
        }
    }

    /// Operations that spend model tokens themselves (not tools, not agent wrappers).
    public var callsModel: Bool {
        switch self {
        case .chat, .textCompletion, .generateContent, .embeddings: true
        case .executeTool, .invokeAgent, .createAgent: false
        case .other: true
        }
    }
}

/// Token counts of one call (see `LLMCall` for what includes what).
public struct TokenUsage: Sendable, Equatable {
    public var input: Int?
    public var output: Int?
    /// As reported; may disagree with input + output (it is kept, not trusted).
    public var total: Int?
    public var cacheRead: Int?
    public var cacheCreation: Int?
    public var reasoning: Int?

    public init(input: Int? = nil, output: Int? = nil, total: Int? = nil,
                cacheRead: Int? = nil, cacheCreation: Int? = nil, reasoning: Int? = nil) {
        self.input = input
        self.output = output
        self.total = total
        self.cacheRead = cacheRead
        self.cacheCreation = cacheCreation
        self.reasoning = reasoning
    }

    /// Input tokens billed at the full input price.
    public var uncachedInput: Int {
        max(0, (input ?? 0) - (cacheRead ?? 0) - (cacheCreation ?? 0))
    }
}

/// Who made the call, and how we know.
public struct Principal: Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A person: `user.id`, `enduser.id`, ...
        case user
        /// No user attribute: the calling service (`service.name`).
        case service
        case unknown
    }

    public var id: String
    public var kind: Kind
    /// The attribute it came from (`user.id`, `resource:user.id`, ...).
    public var source: String

    public var description: String { id }

    public static let unknown = Principal(id: "unknown", kind: .unknown, source: "none")
}
