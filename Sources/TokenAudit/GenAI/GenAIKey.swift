import OTLPWire

/// Every attribute name extraction reads, each dialect's spelling its own
/// case. `GenAIAttributes.read` files each key of a span under its case (one
/// probe of `table` per key), so asking for a fact in every spelling costs
/// array reads instead of searches over the span's keys.
///
/// Names a user configures (principal and team attributes) are not here:
/// those are looked up by string.
enum GenAIKey: Int, CaseIterable, Sendable {
    case genAIOperationName
    case genAISystem
    case genAIProviderName
    case genAIRequestModel
    case genAIResponseModel
    case genAIResponseId
    case genAIResponseFinishReasons
    case genAIRequestMaxTokens
    case genAIRequestStream
    case genAIIsStreaming
    case genAIConversationId
    case genAIAgentId
    case genAIAgentName
    case genAIUsageInputTokens
    case genAIUsagePromptTokens
    case genAIUsageOutputTokens
    case genAIUsageCompletionTokens
    case genAIUsageTotalTokens
    case genAIUsageCacheReadInputTokens
    case genAIUsageCacheReadInputTokensUnderscored
    case genAIUsageCacheCreationInputTokens
    case genAIUsageCacheCreationInputTokensUnderscored
    case genAIUsageReasoningOutputTokens
    case genAIUsageReasoningTokens
    case genAISystemInstructions
    case genAIInputMessages
    case genAIOutputMessages
    case genAIPrompt
    case genAICompletion
    case llmModelName
    case llmProvider
    case llmSystem
    case llmRequestType
    case llmRequestModel
    case llmResponseModel
    case llmRequestMaxTokens
    case llmIsStreaming
    case llmFinishReason
    case llmInvocationParameters
    case llmUsageTotalTokens
    case llmTokenCountPrompt
    case llmTokenCountCompletion
    case llmTokenCountTotal
    case llmTokenCountPromptDetailsCacheRead
    case llmTokenCountPromptDetailsCacheWrite
    case llmTokenCountCompletionDetailsReasoning
    case openinferenceSpanKind
    case inputValue
    case outputValue
    case sessionId
    case aiOperationId
    case aiModelId
    case aiModelProvider
    case aiResponseModel
    case aiResponseId
    case aiResponseFinishReason
    case aiResponseText
    case aiPrompt
    case aiPromptMessages
    case aiSettingsMaxOutputTokens
    case aiSettingsMaxTokens
    case aiTelemetryMetadataSessionId
    case aiUsageInputTokens
    case aiUsagePromptTokens
    case aiUsageOutputTokens
    case aiUsageCompletionTokens
    case aiUsageTotalTokens
    case aiUsageCachedInputTokens
    case aiUsageReasoningTokens
    case traceloopSpanKind
    case traceloopAssociationPropertiesSessionId
    case langsmithTraceSessionId
    case errorType

    var name: StaticString {
        switch self {
        case .genAIOperationName: "gen_ai.operation.name"
        case .genAISystem: "gen_ai.system"
        case .genAIProviderName: "gen_ai.provider.name"
        case .genAIRequestModel: "gen_ai.request.model"
        case .genAIResponseModel: "gen_ai.response.model"
        case .genAIResponseId: "gen_ai.response.id"
        case .genAIResponseFinishReasons: "gen_ai.response.finish_reasons"
        case .genAIRequestMaxTokens: "gen_ai.request.max_tokens"
        case .genAIRequestStream: "gen_ai.request.stream"
        case .genAIIsStreaming: "gen_ai.is_streaming"
        case .genAIConversationId: "gen_ai.conversation.id"
        case .genAIAgentId: "gen_ai.agent.id"
        case .genAIAgentName: "gen_ai.agent.name"
        case .genAIUsageInputTokens: "gen_ai.usage.input_tokens"
        case .genAIUsagePromptTokens: "gen_ai.usage.prompt_tokens"
        case .genAIUsageOutputTokens: "gen_ai.usage.output_tokens"
        case .genAIUsageCompletionTokens: "gen_ai.usage.completion_tokens"
        case .genAIUsageTotalTokens: "gen_ai.usage.total_tokens"
        case .genAIUsageCacheReadInputTokens: "gen_ai.usage.cache_read.input_tokens"
        case .genAIUsageCacheReadInputTokensUnderscored: "gen_ai.usage.cache_read_input_tokens"
        case .genAIUsageCacheCreationInputTokens: "gen_ai.usage.cache_creation.input_tokens"
        case .genAIUsageCacheCreationInputTokensUnderscored: "gen_ai.usage.cache_creation_input_tokens"
        case .genAIUsageReasoningOutputTokens: "gen_ai.usage.reasoning.output_tokens"
        case .genAIUsageReasoningTokens: "gen_ai.usage.reasoning_tokens"
        case .genAISystemInstructions: "gen_ai.system_instructions"
        case .genAIInputMessages: "gen_ai.input.messages"
        case .genAIOutputMessages: "gen_ai.output.messages"
        case .genAIPrompt: "gen_ai.prompt"
        case .genAICompletion: "gen_ai.completion"
        case .llmModelName: "llm.model_name"
        case .llmProvider: "llm.provider"
        case .llmSystem: "llm.system"
        case .llmRequestType: "llm.request.type"
        case .llmRequestModel: "llm.request.model"
        case .llmResponseModel: "llm.response.model"
        case .llmRequestMaxTokens: "llm.request.max_tokens"
        case .llmIsStreaming: "llm.is_streaming"
        case .llmFinishReason: "llm.finish_reason"
        case .llmInvocationParameters: "llm.invocation_parameters"
        case .llmUsageTotalTokens: "llm.usage.total_tokens"
        case .llmTokenCountPrompt: "llm.token_count.prompt"
        case .llmTokenCountCompletion: "llm.token_count.completion"
        case .llmTokenCountTotal: "llm.token_count.total"
        case .llmTokenCountPromptDetailsCacheRead: "llm.token_count.prompt_details.cache_read"
        case .llmTokenCountPromptDetailsCacheWrite: "llm.token_count.prompt_details.cache_write"
        case .llmTokenCountCompletionDetailsReasoning: "llm.token_count.completion_details.reasoning"
        case .openinferenceSpanKind: "openinference.span.kind"
        case .inputValue: "input.value"
        case .outputValue: "output.value"
        case .sessionId: "session.id"
        case .aiOperationId: "ai.operationId"
        case .aiModelId: "ai.model.id"
        case .aiModelProvider: "ai.model.provider"
        case .aiResponseModel: "ai.response.model"
        case .aiResponseId: "ai.response.id"
        case .aiResponseFinishReason: "ai.response.finishReason"
        case .aiResponseText: "ai.response.text"
        case .aiPrompt: "ai.prompt"
        case .aiPromptMessages: "ai.prompt.messages"
        case .aiSettingsMaxOutputTokens: "ai.settings.maxOutputTokens"
        case .aiSettingsMaxTokens: "ai.settings.maxTokens"
        case .aiTelemetryMetadataSessionId: "ai.telemetry.metadata.sessionId"
        case .aiUsageInputTokens: "ai.usage.inputTokens"
        case .aiUsagePromptTokens: "ai.usage.promptTokens"
        case .aiUsageOutputTokens: "ai.usage.outputTokens"
        case .aiUsageCompletionTokens: "ai.usage.completionTokens"
        case .aiUsageTotalTokens: "ai.usage.totalTokens"
        case .aiUsageCachedInputTokens: "ai.usage.cachedInputTokens"
        case .aiUsageReasoningTokens: "ai.usage.reasoningTokens"
        case .traceloopSpanKind: "traceloop.span.kind"
        case .traceloopAssociationPropertiesSessionId: "traceloop.association.properties.session_id"
        case .langsmithTraceSessionId: "langsmith.trace.session_id"
        case .errorType: "error.type"
        }
    }

    /// The case whose name is `key`, if any.
    /// `hash` is `KeyHash.of(key.rawBytes)`, which the caller has already computed.
    static func of(_ key: WireString, hash: UInt64) -> GenAIKey? {
        table.find(key, hash: hash)?.key
    }

    /// The case whose name is `key` with its name's `KeyFamilies` (`.content`
    /// included when `ContentRedactor.isContentKey`), worked out once when
    /// the table is built: a known key needs no prefix comparisons.
    static func classified(_ key: WireString, hash: UInt64) -> (key: GenAIKey, families: KeyFamilies)? {
        table.find(key, hash: hash)
    }

    private static let table = Table()

    /// Open addressing over a power-of-two array, at most half full; built once.
    /// Each slot keeps its name's bytes (static strings live as long as the
    /// program): comparing with them needs no `name` switch per probe.
    private struct Table: Sendable {
        private struct Slot: @unchecked Sendable {
            var hash: UInt64
            var name: UnsafeRawBufferPointer
            var key: GenAIKey
            var families: KeyFamilies
        }

        private var slots: [Slot?]
        private let mask: Int

        init() {
            var capacity = 1
            while capacity < 2 * GenAIKey.allCases.count { capacity <<= 1 }
            slots = Array(repeating: nil, count: capacity)
            mask = capacity - 1
            for key in GenAIKey.allCases {
                // A literal of more than one scalar is stored in the binary; its address is stable.
                precondition(key.name.hasPointerRepresentation, "GenAIKey names are literals of several characters")
                let name = UnsafeRawBufferPointer(start: key.name.utf8Start, count: key.name.utf8CodeUnitCount)
                let hash = KeyHash.of(name)
                var index = Int(truncatingIfNeeded: hash) & mask
                while slots[index] != nil { index = (index + 1) & mask }
                slots[index] = Slot(hash: hash, name: name, key: key, families: KeyFamilies.includingContent(of: WireString(name)))
            }
        }

        func find(_ key: WireString, hash: UInt64) -> (key: GenAIKey, families: KeyFamilies)? {
            var index = Int(truncatingIfNeeded: hash) & mask
            while let slot = slots[index] {
                if slot.hash == hash, key.equals(slot.name) { return (slot.key, slot.families) }
                index = (index + 1) & mask
            }
            return nil
        }
    }
}
