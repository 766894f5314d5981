import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// Hand-made spans for each row of the dialect table (DESIGN.md §4), old and new keys.
@Suite struct DialectTableTests {
    func call(_ attributes: [KeyValueModel], resource: [KeyValueModel] = [], events: [EventModel] = [],
              name: String = "llm") throws -> LLMCall {
        let stage = RecordingGenAIStage()
        stage.enrich(traces(attributes, resource: resource, name: name, events: events))
        return try #require(stage.recorded.first?.call)
    }

    @Test func semconvCurrentKeysWithCacheAndReasoningAsParts() throws {
        let c = try call([
            kv("gen_ai.operation.name", "chat"), kv("gen_ai.provider.name", "anthropic"),
            kv("gen_ai.request.model", "claude-sonnet-4-20250514"), kv("gen_ai.response.model", "claude-sonnet-4-20250514"),
            kv("gen_ai.usage.input_tokens", 1000), kv("gen_ai.usage.output_tokens", 200),
            kv("gen_ai.usage.cache_read.input_tokens", 600), kv("gen_ai.usage.cache_creation.input_tokens", 100),
            kv("gen_ai.usage.reasoning.output_tokens", 50), kv("gen_ai.conversation.id", "conv-7"),
            kv("gen_ai.agent.name", "reviewer"), kv("user.id", "bob"),
            kv("gen_ai.request.max_tokens", 4096), kv("gen_ai.response.finish_reasons", .array([.string("length")])),
        ])
        #expect(c.dialect == .semconv)
        #expect(c.provider == "anthropic")
        #expect(c.usage == TokenUsage(input: 1000, output: 200, cacheRead: 600, cacheCreation: 100, reasoning: 50))
        #expect(c.usage.uncachedInput == 300, "cache tokens are part of input, not extra")
        #expect(c.conversationID == "conv-7")
        #expect(c.agentName == "reviewer")
        #expect(c.principal == Principal(id: "bob", kind: .user, source: "user.id"))
        #expect(c.maxTokens == 4096)
        #expect(c.finishReasons == .length)
        // 300 uncached × $3 + 600 read × $0.30 + 100 write × $3.75 + 200 out × $15, per million.
        let cost = PriceTable().cost(of: c.usage, model: c.model)
        #expect(abs((cost ?? 0) - (300 * 3 + 600 * 0.30 + 100 * 3.75 + 200 * 15) / 1e6) < 1e-12)
    }

    @Test func semconvOldKeysAndStringCountsAndNewOverOld() throws {
        let old = try call([kv("gen_ai.system", "OpenAI"), kv("gen_ai.request.model", "gpt-4o"),
                            kv("gen_ai.usage.prompt_tokens", "12"), kv("gen_ai.usage.completion_tokens", .double(3))])
        #expect(old.provider == "openai")
        #expect(old.usage.input == 12)
        #expect(old.usage.output == 3)
        #expect(old.problems.isEmpty)
        let both = try call([kv("gen_ai.system", "openai"), kv("gen_ai.usage.input_tokens", 10), kv("gen_ai.usage.prompt_tokens", 99),
                             kv("gen_ai.provider.name", "azure.ai.openai")])
        #expect(both.usage.input == 10, "the new key wins")
        #expect(both.provider == "azure.ai.openai", "gen_ai.provider.name wins over gen_ai.system")
    }

    @Test func semconvContentInSpanEventsAndInStructuredAttributesFingerprintsAlike() throws {
        let messages = #"[{"role":"system","content":"Be terse."},{"role":"user","content":"Explain main.swift"}]"#
        let viaEvents = try call([kv("gen_ai.system", "openai"), kv("gen_ai.request.model", "gpt-4o")], events: [
            EventModel(time: 1, name: "gen_ai.content.prompt", attributes: [kv("gen_ai.prompt", messages)]),
            EventModel(time: 2, name: "gen_ai.content.completion", attributes: [kv("gen_ai.completion", "It starts the app.")]),
        ])
        let structured = AnyModel.array([
            .kvlist([kv("role", "system"), kv("parts", .array([.kvlist([kv("type", "text"), kv("content", "Be terse.")])]))]),
            .kvlist([kv("role", "user"), kv("parts", .array([.kvlist([kv("type", "text"), kv("content", "Explain main.swift")])]))]),
        ])
        let viaAttributes = try call([kv("gen_ai.provider.name", "openai"), kv("gen_ai.request.model", "gpt-4o"),
                                      kv("gen_ai.input.messages", structured)])
        #expect(viaEvents.fingerprint.kind == .content)
        #expect(viaEvents.fingerprint.prompt == viaAttributes.fingerprint.prompt)
        #expect(viaEvents.fingerprint.systemPrompt == viaAttributes.fingerprint.systemPrompt)
        #expect(viaEvents.fingerprint.completion != nil)
    }

    @Test func openLLMetryIndexedPromptsAndAssociationProperties() throws {
        let c = try call([
            kv("llm.request.type", "chat"), kv("gen_ai.system", "openai"), kv("gen_ai.request.model", "gpt-4o-mini"),
            kv("gen_ai.prompt.0.role", "system"), kv("gen_ai.prompt.0.content", "You help."),
            kv("gen_ai.prompt.1.role", "user"), kv("gen_ai.prompt.1.content", "List the files"),
            kv("gen_ai.completion.0.content", "a.swift b.swift"),
            kv("gen_ai.usage.prompt_tokens", 9), kv("gen_ai.usage.completion_tokens", 4), kv("llm.usage.total_tokens", 13),
            kv("traceloop.association.properties.user_id", "carol"), kv("traceloop.association.properties.session_id", "s-1"),
        ])
        #expect(c.dialect == .openLLMetry)
        #expect(c.usage == TokenUsage(input: 9, output: 4, total: 13))
        #expect(c.principal.id == "carol")
        #expect(c.conversationID == "s-1")
        #expect(c.fingerprint.kind == .content)
        #expect(c.fingerprint.systemPrompt == StableHashProbe.system("You help."))
    }

    @Test func openInferenceRowIncludingAgentsAndCacheDetails() throws {
        let c = try call([
            kv("openinference.span.kind", "LLM"), kv("llm.provider", "anthropic"), kv("llm.model_name", "claude-3-5-haiku-20241022"),
            kv("llm.token_count.prompt", 500), kv("llm.token_count.completion", 20), kv("llm.token_count.total", 520),
            kv("llm.token_count.prompt_details.cache_read", 400), kv("input.value", "What changed?"),
            kv("user.id", "dave"), kv("session.id", "sess-9"),
        ])
        #expect(c.dialect == .openInference)
        #expect(c.usage.cacheRead == 400)
        #expect(c.provider == "anthropic")
        #expect(c.model == "claude-3-5-haiku-20241022")
        #expect(c.conversationID == "sess-9")
        #expect(PriceTable().price(of: c.model ?? "") == BuiltinPrices.table["claude-3-5-haiku"])
        let agent = try call([kv("openinference.span.kind", "AGENT"), kv("llm.token_count.prompt", 5000)])
        #expect(agent.isAggregate)
    }

    /// Finish reasons are read in place into the reasons detection tells
    /// apart: several per call (one per choice), exact spellings only.
    @Test func finishReasonsFromEveryDialectsKey() throws {
        func reasons(_ attribute: KeyValueModel) throws -> FinishReasons {
            try call([kv("gen_ai.operation.name", "chat"), kv("gen_ai.provider.name", "openai"), kv("gen_ai.usage.input_tokens", 5), attribute])
                .finishReasons
        }
        #expect(try reasons(kv("gen_ai.response.finish_reasons", .array([.string("stop"), .string("tool_calls"), .int(3)]))) == [.stop, .toolCalls])
        #expect(try reasons(kv("gen_ai.response.finish_reasons", .array([.string("max_tokens"), .string("end_turn")]))) == [.length, .stop])
        #expect(try reasons(kv("gen_ai.response.finish_reasons", "content_filter")) == .contentFilter)
        #expect(try reasons(kv("gen_ai.response.finish_reasons", .array([.string("Length"), .string("")]))) == .other)
        #expect(try reasons(kv("gen_ai.response.finish_reasons", .array([]))) == [])
        #expect(try reasons(kv("ai.response.finishReason", "tool-calls")) == .toolCalls)
        #expect(try reasons(kv("llm.finish_reason", "function_call")) == .toolCalls)
        #expect(FinishReasons(reason: "stop_sequence") == .stop && FinishReasons(reason: "tool_use") == .toolCalls)
    }

    /// `llm.invocation_parameters` is JSON text: the request model and the
    /// output limit come from its top-level members (the last of a repeated
    /// name wins; `max_completion_tokens` before `max_tokens`).
    @Test func openInferenceInvocationParametersAreReadFromTheirJSON() throws {
        func parameters(_ json: String) throws -> LLMCall {
            try call([kv("openinference.span.kind", "LLM"), kv("llm.provider", "openai"), kv("llm.token_count.prompt", 5),
                      kv("llm.invocation_parameters", json)])
        }
        let plain = try parameters(#"{"model": "gpt-4o-mini", "max_tokens": 800, "temperature": 0.2}"#)
        #expect(plain.requestModel == "gpt-4o-mini")
        #expect(plain.maxTokens == 800)
        let both = try parameters(#"{"max_tokens": "64", "max_completion_tokens": 32, "model": "a", "model": "b", "stop": ["x"]}"#)
        #expect(both.maxTokens == 32)
        #expect(both.requestModel == "b")
        let escapedKey = try parameters(#"{"model": "gpt-4.1", "nested": {"max_tokens": 9}}"#)
        #expect(escapedKey.requestModel == "gpt-4.1")
        #expect(escapedKey.maxTokens == nil)
        let notJSON = try parameters("model=gpt-4o max_tokens=5")
        #expect(notJSON.requestModel == nil && notJSON.maxTokens == nil)
    }

    /// Indexed messages are read in index order whatever order their
    /// attributes arrive in, each with its own role.
    @Test func indexedMessagesAreReadInIndexOrder() throws {
        let messages: [KeyValueModel] = [
            kv("gen_ai.prompt.0.role", "system"), kv("gen_ai.prompt.0.content", "You help."),
            kv("gen_ai.prompt.1.role", "user"), kv("gen_ai.prompt.1.content", "List the files"),
            kv("gen_ai.prompt.2.role", "assistant"), kv("gen_ai.prompt.2.content", "a.swift b.swift"),
            kv("gen_ai.prompt.10.role", "user"), kv("gen_ai.prompt.10.content", "and the tests"),
        ]
        let head = [kv("llm.request.type", "chat"), kv("gen_ai.system", "openai"), kv("gen_ai.usage.prompt_tokens", 9)]
        let inOrder = try call(head + messages).fingerprint
        let shuffled = try call(head + messages.reversed()).fingerprint
        #expect(inOrder == shuffled)
        #expect(inOrder.systemPrompt == StableHashProbe.system("You help."))
        var expected = PromptDigest()
        for text in ["List the files", "a.swift b.swift", "and the tests"] { expected.add(.input, text: text) }
        #expect(inOrder.prompt == expected.fingerprint?.prompt)
    }

    /// Indexed families (`gen_ai.prompt.{i}.content` beside `.role`) are
    /// matched by their digits in place: other spellings are not members.
    @Test func indexedFamilyKeysAreMatchedByTheirDigits() {
        func index(_ key: String) -> Int? {
            var key = key
            return key.withUTF8 { utf8 in
                GenAIAttributes.familyIndex(of: WireString(bytes: UnsafeRawBufferPointer(utf8), range: 0..<utf8.count), "gen_ai.prompt.", ".role")
            }
        }
        #expect(index("gen_ai.prompt.0.role") == 0)
        #expect(index("gen_ai.prompt.17.role") == 17)
        #expect(index("gen_ai.prompt.007.role") == 7)
        for other in ["gen_ai.prompt.role", "gen_ai.prompt..role", "gen_ai.prompt.x.role", "gen_ai.prompt.1.content", "gen_ai.prompt.-1.role",
                      "gen_ai.prompt.1.roles", "gen_ai.prompt.1234567890.role", "gen_ai.completion.0.role", "gen_ai.prompt.1 .role"] {
            #expect(index(other) == nil, "\(other)")
        }
    }

    @Test func vercelAISDKLeafAndAggregateSpansAndBothTokenSpellings() throws {
        let leaf = try call([
            kv("ai.operationId", "ai.generateText.doGenerate"), kv("ai.model.id", "gpt-4.1-mini"), kv("ai.model.provider", "openai.chat"),
            kv("ai.usage.promptTokens", 30), kv("ai.usage.completionTokens", 7),
            kv("ai.prompt", #"{"system":"You are a bot","prompt":"Say hi"}"#), kv("ai.response.text", "hi"),
            kv("ai.telemetry.metadata.userId", "erin"), kv("ai.settings.maxTokens", 256),
        ], name: "ai.generateText.doGenerate")
        #expect(leaf.dialect == .vercelAI)
        #expect(!leaf.isAggregate)
        #expect(leaf.provider == "openai")
        #expect(leaf.usage.input == 30 && leaf.usage.output == 7)
        #expect(leaf.principal.id == "erin")
        #expect(leaf.maxTokens == 256)
        #expect(leaf.fingerprint.systemPrompt != nil)
        let v5 = try call([kv("ai.operationId", "ai.streamText.doStream"), kv("ai.model.id", "gpt-4o"),
                           kv("ai.usage.inputTokens", 11), kv("ai.usage.outputTokens", 2)])
        #expect(v5.usage.input == 11 && v5.isStreaming)
        let aggregate = try call([kv("ai.operationId", "ai.generateText"), kv("ai.model.id", "gpt-4o"), kv("ai.usage.promptTokens", 30)])
        #expect(aggregate.isAggregate)
    }

    @Test func langSmithRow() throws {
        let c = try call([
            kv("gen_ai.system", "anthropic"), kv("gen_ai.request.model", "claude-opus-4-1"),
            kv("gen_ai.usage.input_tokens", 40), kv("gen_ai.usage.output_tokens", 10), kv("gen_ai.usage.total_tokens", 50),
            kv("gen_ai.prompt", #"{"messages":[{"role":"user","content":"Refactor this"}]}"#), kv("gen_ai.completion", "Done"),
            kv("langsmith.metadata.user_id", "frank"), kv("langsmith.trace.session_id", "ls-3"),
        ])
        #expect(c.dialect == .langSmith)
        #expect(c.principal.id == "frank")
        #expect(c.conversationID == "ls-3")
        #expect(c.fingerprint.kind == .content)
    }

    @Test func serviceNameIsThePrincipalWhenNoUserIsKnown() throws {
        let c = try call([kv("gen_ai.system", "openai"), kv("gen_ai.usage.input_tokens", 1)],
                         resource: [kv("service.name", "nightly-summariser"), kv("team", "data")])
        #expect(c.principal == Principal(id: "nightly-summariser", kind: .service, source: "resource:service.name"))
        #expect(c.team == "data")
    }

    @Test func nonGenAISpansAreNotCalls() {
        let stage = RecordingGenAIStage()
        let bytes = stage.enrich(traces([kv("http.method", "GET"), kv("db.system", "postgresql"), kv("user.id", "x")]))
        #expect(stage.recorded.isEmpty)
        #expect(bytes == traces([kv("http.method", "GET"), kv("db.system", "postgresql"), kv("user.id", "x")]).encode(),
                "pass-through spans leave byte for byte")
    }
}

/// Expected system-prompt fingerprints, computed the way PromptDigest does.
enum StableHashProbe {
    static func system(_ text: String) -> UInt64? {
        var digest = PromptDigest()
        digest.add(.system, text: text)
        return digest.systemPrompt
    }
}
