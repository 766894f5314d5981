import OTLPWire

/// Reads one span as an `LLMCall`, whatever dialect (DESIGN.md §4) produced
/// it. Returns nil for spans that are not GenAI at all; that check is
/// allocation-free, so pass-through spans cost one scan of their keys.
struct LLMCallExtractor: Sendable {
    let principals: PrincipalResolver
    let contentIndex: ContentIndex

    /// `attributes` holds `span`'s attributes (`GenAIAttributes.read`);
    /// `resource` is `principals.identity(of:)` of the span's resource group;
    /// `names` carries model names from one span of the request to the next.
    func extract(_ span: SpanView, attributes: GenAIAttributes, resource: PrincipalResolver.ResourceIdentity,
                 names: inout RecentNames) -> LLMCall? {
        guard attributes.mentionsGenAI else { return nil }
        let dialect = Self.dialect(attributes)
        guard let (operation, isAggregate) = Self.classify(attributes, dialect: dialect, spanName: span.name, names: &names) else { return nil }

        var problems: [String] = []
        let usage = Self.usage(attributes, problems: &problems)
        let provider = Self.provider(attributes, names: &names)
        let parameters = dialect == .openInference ? InvocationParameters(attributes.string(.llmInvocationParameters)) : InvocationParameters()
        let requestModel = attributes.name(.genAIRequestModel, .aiModelId, .llmRequestModel, reusing: &names) ?? parameters.model
        let responseModel = attributes.name(.genAIResponseModel, .aiResponseModel, .llmModelName, .llmResponseModel, reusing: &names)

        let traceID = WireID(span.traceID.rawBytes)
        let spanID = WireID(span.spanID.rawBytes)
        var digest = attributes.carriesContent ? Self.content(attributes, dialect: dialect, events: span.events) : PromptDigest()
        if !digest.hasPrompt, !contentIndex.isEmpty, let fromLogs = contentIndex.take(ContentIndex.Key(traceID: traceID, spanID: spanID)) {
            digest.merge(fromLogs)
        }
        let fingerprint = digest.fingerprint ?? .metadata(
            provider: provider, model: requestModel ?? responseModel, operation: operation,
            inputTokens: usage.input, systemPrompt: digest.systemPrompt)

        let (principal, team, service) = principals.resolve(attributes, resource: resource)
        var errorType = attributes.string(.errorType)
        if errorType == nil, span.status?.code == 2 { errorType = "error" }

        return LLMCall(
            traceID: traceID, spanID: spanID, parentSpanID: WireID(span.parentSpanID.rawBytes),
            startTimeUnixNano: span.startTimeUnixNano, endTimeUnixNano: span.endTimeUnixNano,
            dialect: dialect, operation: operation, isAggregate: isAggregate,
            provider: provider, requestModel: requestModel, responseModel: responseModel,
            usage: usage,
            maxTokens: Self.maxTokens(attributes, parameters: parameters, problems: &problems),
            finishReasons: attributes.finishReasons(.genAIResponseFinishReasons, .aiResponseFinishReason, .llmFinishReason),
            isStreaming: Self.isStreaming(attributes),
            errorType: errorType,
            responseID: attributes.string(.genAIResponseId, .aiResponseId),
            conversationID: attributes.string(
                .genAIConversationId, .sessionId, .traceloopAssociationPropertiesSessionId,
                .langsmithTraceSessionId, .aiTelemetryMetadataSessionId),
            agentID: attributes.string(.genAIAgentId),
            agentName: attributes.string(.genAIAgentName),
            principal: principal, team: team, service: service, fingerprint: fingerprint, problems: problems)
    }

    // MARK: dialect and operation

    static func dialect(_ a: GenAIAttributes) -> GenAIDialect {
        if a.has([.openInference, .llmTokenCount, .llmInputMessages]) || a.hasKey(.llmModelName) { return .openInference }
        if a.has(.vercelAI) { return .vercelAI }
        if a.has(.langSmith) { return .langSmith }
        if a.has([.traceloop, .genAIPrompt, .genAICompletion, .llmUsage])
            || a.hasKey(.llmRequestType) || a.hasKey(.genAIUsageTotalTokens)
            || a.hasKey(.genAIIsStreaming) { return .openLLMetry }
        return .semconv
    }

    /// The operation, and whether the span aggregates its children; nil for
    /// GenAI-adjacent spans that are not model, agent or tool operations
    /// (OpenInference retrievers, ...).
    static func classify(_ a: GenAIAttributes, dialect: GenAIDialect, spanName: WireString,
                         names: inout RecentNames) -> (LLMOperation, Bool)? {
        switch dialect {
        case .openInference:
            switch a.string(.openinferenceSpanKind)?.uppercased() {
            case "LLM"?: return (.chat, false)
            case "EMBEDDING"?: return (.embeddings, false)
            case "AGENT"?: return (.invokeAgent, true)
            case "CHAIN"?: return (.other("chain"), true)
            case "TOOL"?: return (.executeTool, false)
            case nil: break
            default: return nil
            }
        case .vercelAI:
            let name = spanName.string
            if let id = a.string(.aiOperationId) ?? (name.hasPrefix("ai.") ? name : nil) {
                if id.hasSuffix(".doEmbed") { return (.embeddings, false) }
                if id.hasSuffix(".doGenerate") || id.hasSuffix(".doStream") { return (.chat, false) }
                if id == "ai.toolCall" { return (.executeTool, false) }
                return (.other(id), true)
            }
        case .semconv, .openLLMetry, .langSmith:
            break
        }
        // The GenAI conventions, which every dialect also emits in part
        // (Vercel and OpenInference spans often carry gen_ai.* keys too).
        if let kind = a.string(.traceloopSpanKind)?.lowercased(), ["workflow", "task", "agent"].contains(kind) {
            return (kind == "agent" ? .invokeAgent : .other(kind), true)
        }
        let name = a.name(.genAIOperationName, .llmRequestType, reusing: &names)
        let operation = name.map(LLMOperation.init(name:)) ?? .chat
        switch operation {
        case .invokeAgent, .createAgent: return (operation, true)
        default: break
        }
        let modelSpan = name != nil || a.first(
            .genAIRequestModel, .genAIResponseModel, .genAISystem, .genAIProviderName,
            .llmModelName, .aiModelId) != nil
            || a.has([.genAIUsage, .llmUsage, .llmTokenCount])
        return modelSpan ? (operation, false) : nil
    }

    // MARK: usage

    static func usage(_ a: GenAIAttributes, problems: inout [String]) -> TokenUsage {
        func count(_ keys: GenAIKey...) -> Int? {
            for key in keys {
                guard let count = a.count(key) else { continue }
                switch count {
                case .success(let n): return n
                case .failure(let problem):
                    problems.append("\(key.name) \(problem)")
                }
            }
            return nil
        }
        return TokenUsage(
            input: count(.genAIUsageInputTokens, .genAIUsagePromptTokens, .llmTokenCountPrompt,
                         .aiUsageInputTokens, .aiUsagePromptTokens),
            output: count(.genAIUsageOutputTokens, .genAIUsageCompletionTokens, .llmTokenCountCompletion,
                          .aiUsageOutputTokens, .aiUsageCompletionTokens),
            total: count(.genAIUsageTotalTokens, .llmUsageTotalTokens, .llmTokenCountTotal, .aiUsageTotalTokens),
            cacheRead: count(.genAIUsageCacheReadInputTokens, .genAIUsageCacheReadInputTokensUnderscored,
                             .llmTokenCountPromptDetailsCacheRead, .aiUsageCachedInputTokens),
            cacheCreation: count(.genAIUsageCacheCreationInputTokens, .genAIUsageCacheCreationInputTokensUnderscored,
                                 .llmTokenCountPromptDetailsCacheWrite),
            reasoning: count(.genAIUsageReasoningOutputTokens, .genAIUsageReasoningTokens,
                             .llmTokenCountCompletionDetailsReasoning, .aiUsageReasoningTokens))
    }

    static func maxTokens(_ a: GenAIAttributes, parameters: InvocationParameters, problems: inout [String]) -> Int? {
        // The first key present decides, even when its value is no count.
        for key in [GenAIKey.genAIRequestMaxTokens, .aiSettingsMaxOutputTokens, .aiSettingsMaxTokens, .llmRequestMaxTokens] {
            switch a.count(key) {
            case nil: continue
            case .success(let n)?: return n
            case .failure(let problem)?: problems.append("\(key.name) \(problem)"); return nil
            }
        }
        return parameters.maxCompletionTokens.flatMap(Int.init) ?? parameters.maxTokens.flatMap(Int.init)
    }

    static func provider(_ a: GenAIAttributes, names: inout RecentNames) -> String? {
        if let p = a.name(.genAIProviderName, .genAISystem, .llmProvider, .llmSystem, reusing: &names) { return p.lowercasedWhenNeeded }
        // Vercel: "openai.chat", "anthropic.messages" → the part before the dot.
        if let p = a.string(.aiModelProvider) { return String(p.split(separator: ".").first ?? Substring(p)).lowercased() }
        return nil
    }

    static func isStreaming(_ a: GenAIAttributes) -> Bool {
        if case .bool(let b)? = a.first(.genAIIsStreaming, .llmIsStreaming, .genAIRequestStream)?.value { return b }
        return a.string(.aiOperationId)?.hasSuffix(".doStream") ?? false
    }

    // MARK: content

    /// The call's content from its own attributes and events, from the first
    /// source that has it (each dialect puts the same prompt in several
    /// places; counting more than one would double it).
    static func content(_ a: GenAIAttributes, dialect: GenAIDialect, events: RepeatedMessages<SpanEventView>) -> PromptDigest {
        var digest = PromptDigest()
        if let system = a.view(.genAISystemInstructions) { MessageContent.feed(system, as: .system, into: &digest) }

        // Each source is looked at only when the ones before it are absent.
        if let messages = a.view(.genAIInputMessages) {
            MessageContent.feed(messages, as: .input, into: &digest)
        } else if case let prompts = a.indexed(.genAIPrompt, "gen_ai.prompt.", ".content"), !prompts.isEmpty {
            for (index, content) in prompts {
                let role = a.member("gen_ai.prompt.", index, ".role")
                MessageContent.feed(content, as: Self.role(of: role, context: .input), into: &digest)
            }
        } else if case let messages = a.indexed(.llmInputMessages, "llm.input_messages.", ".message.content"), !messages.isEmpty {
            for (index, content) in messages {
                let role = a.member("llm.input_messages.", index, ".message.role")
                MessageContent.feed(content, as: Self.role(of: role, context: .input), into: &digest)
            }
        } else if let prompt = a.firstView(.aiPromptMessages, .aiPrompt, .inputValue, .genAIPrompt) {
            MessageContent.feed(prompt, as: .input, into: &digest)
        } else {
            contentFromEvents(events, into: &digest, output: false)
        }

        if let messages = a.view(.genAIOutputMessages) {
            MessageContent.feed(messages, as: .output, into: &digest)
        } else if case let completions = a.indexed(.genAICompletion, "gen_ai.completion.", ".content"), !completions.isEmpty {
            for (_, content) in completions { MessageContent.feed(content, as: .output, into: &digest) }
        } else if case let messages = a.indexed(.llmOutputMessages, "llm.output_messages.", ".message.content"), !messages.isEmpty {
            for (_, content) in messages { MessageContent.feed(content, as: .output, into: &digest) }
        } else if let completion = a.firstView(.aiResponseText, .genAICompletion, .outputValue) {
            MessageContent.feed(completion, as: .output, into: &digest)
        } else {
            contentFromEvents(events, into: &digest, output: true)
        }
        return digest
    }

    /// GenAI semconv ≤ 1.27 span events: `gen_ai.content.prompt` carrying
    /// `gen_ai.prompt`, `gen_ai.content.completion` carrying `gen_ai.completion`.
    static func contentFromEvents(_ events: RepeatedMessages<SpanEventView>, into digest: inout PromptDigest, output: Bool) {
        for event in events {
            let name: StaticString = output ? "gen_ai.content.completion" : "gen_ai.content.prompt"
            let key: StaticString = output ? "gen_ai.completion" : "gen_ai.prompt"
            guard event.name.equals(name), let value = event.attributes[key] else { continue }
            MessageContent.feed(value, as: output ? .output : .input, into: &digest)
        }
    }

    /// An indexed message's role attribute (`user` when absent) as a digest role.
    static func role(of attribute: AnyValueView?, context: PromptDigest.Role) -> PromptDigest.Role {
        if case .string(let name)? = attribute?.value { return MessageContent.role(utf8: name.rawBytes, context: context) }
        return MessageContent.role(attribute.flatMap { AttributeScalar($0).text } ?? "user", context: context)
    }
}
