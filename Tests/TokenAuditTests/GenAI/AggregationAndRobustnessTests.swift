import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

@Suite struct AggregationAndRobustnessTests {
    /// invoke_agent (carrying the summed usage) over three chat spans.
    func agentTrace() -> TracesModel {
        func span(_ id: UInt8, parent: UInt8?, _ attributes: [KeyValueModel]) -> SpanModel {
            var s = SpanModel()
            s.traceID = Array(repeating: 7, count: 16)
            s.spanID = Array(repeating: id, count: 8)
            s.parentSpanID = parent.map { Array(repeating: $0, count: 8) } ?? []
            s.start = 1
            s.end = 2
            s.attributes = attributes
            return s
        }
        let chat: (UInt8, Int64) -> SpanModel = { id, tokens in
            span(id, parent: 1, [kv("gen_ai.operation.name", "chat"), kv("gen_ai.request.model", "gpt-4o"),
                                 kv("gen_ai.usage.input_tokens", tokens), kv("gen_ai.usage.output_tokens", 10)])
        }
        let agent = span(1, parent: nil, [kv("gen_ai.operation.name", "invoke_agent"), kv("gen_ai.agent.name", "planner"),
                                          kv("gen_ai.usage.input_tokens", 600), kv("gen_ai.usage.output_tokens", 30)])
        return TracesModel(resourceSpans: [ResourceSpansModel(
            resource: ResourceModel(attributes: [kv("user.id", "gina")]),
            scopeSpans: [ScopeSpansModel(spans: [agent, chat(2, 100), chat(3, 200), chat(4, 300)])])])
    }

    @Test func anAgentOverThreeChatsCountsTheChatTokensOnce() throws {
        let stage = RecordingGenAIStage()
        let out = stage.enrich(agentTrace())
        let calls = stage.recorded.map(\.call)
        #expect(calls.count == 4)
        #expect(calls.filter(\.isAggregate).count == 1)
        #expect(calls.filter { !$0.isAggregate }.compactMap(\.usage.input).reduce(0, +) == 600)

        // What a backend summing tokenaudit.tokens.input over the trace sees.
        var written = 0
        var costs = 0
        var principals = 0
        out.withUnsafeBytes { raw in
            ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in
                if let n = span.attributes["tokenaudit.tokens.input"]?.intValue { written += Int(n) }
                if span.attributes["tokenaudit.cost.usd"] != nil { costs += 1 }
                if span.attributes["tokenaudit.principal"]?.stringValue?.string == "gina" { principals += 1 }
            }
        }
        #expect(written == 600, "the agent's own 600 are not added on top")
        // 600 input + 30 output tokens of leaf calls at the default 0.69 g per 1,000.
        #expect(abs(stage.stage.stats.co2Grams - 630 * 0.69 / 1000) < 1e-9)
        #expect(costs == 3)
        #expect(principals == 4)
    }

    @Test func fuzzedAttributeValuesNeverCrashAndAreReportedAsProblems() throws {
        var random = RandomRequests(seed: 404)
        let hostile: [AnyModel] = [
            .string("many"), .string(""), .string("-5"), .string(String(repeating: "9", count: 5000)),
            .int(-1), .int(Int64.max), .int(Int64.min), .double(.nan), .double(1e300), .double(2.5), .bool(true),
            .array([.int(1)]), .kvlist([kv("a", 1)]), .bytes([1, 2, 3]), .empty,
            .string(String(repeating: "é", count: 200_000)),
        ]
        let keys = ["gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "llm.token_count.prompt",
                    "ai.usage.promptTokens", "gen_ai.request.max_tokens", "gen_ai.request.model", "gen_ai.input.messages",
                    "gen_ai.response.finish_reasons", "input.value", "user.id", "gen_ai.prompt.0.content"]
        let stage = RecordingGenAIStage()
        var spans = 0
        for _ in 0..<300 {
            var attributes = [kv("gen_ai.operation.name", "chat")]
            for _ in 0..<random.int(1...6) {
                attributes.append(KeyValueModel(key: keys[random.int(0...(keys.count - 1))], value: hostile[random.int(0...(hostile.count - 1))]))
            }
            if random.chance(0.2) { attributes += random.attributes(max: 4) }
            let out = stage.enrich(traces(attributes))
            spans += 1
            try out.withUnsafeBytes { try OTLPValidator.validate($0, as: OTLPSchema.exportTraceRequest) }
        }
        let calls = stage.recorded.map(\.call)
        #expect(calls.count == spans)
        let withProblems = calls.filter { !$0.problems.isEmpty }
        #expect(withProblems.count > 50)
        #expect(stage.stage.stats.spansWithProblems == withProblems.count)
        #expect(withProblems.flatMap(\.problems).contains { $0.contains("negative") })
        #expect(withProblems.flatMap(\.problems).contains { $0.contains("implausibly large") })
        #expect(withProblems.flatMap(\.problems).contains { $0.contains("not a number") })
        #expect(calls.allSatisfy { ($0.usage.input ?? 0) >= 0 && ($0.usage.input ?? 0) <= 100_000_000 })
    }

    /// Content read in two places (a span and its log events) fingerprints
    /// as if read in one, whichever side has no content yet.
    @Test func mergedDigestsFingerprintLikeOne() {
        let messages = ["you are terse", "explain the retry policy of the exporter in two sentences", "and the backoff"]
        var whole = PromptDigest()
        for text in messages { whole.add(.input, text: text) }
        var first = PromptDigest(), second = PromptDigest()
        first.add(.input, text: messages[0])
        for text in messages.dropFirst() { second.add(.input, text: text) }
        var merged = first
        merged.merge(second)
        #expect(merged.fingerprint == whole.fingerprint)
        #expect(whole.fingerprint?.promptSketch != 0)
        var intoEmpty = PromptDigest()
        intoEmpty.merge(whole)
        #expect(intoEmpty.fingerprint == whole.fingerprint)
        var emptyInto = whole
        emptyInto.merge(PromptDigest())
        #expect(emptyInto.fingerprint == whole.fingerprint)
    }

    /// Message hashes keep their order whether held inline or after it.
    @Test func messageHashesKeepTheirOrder() {
        var rng = SeededRandom(seed: 0x4A5)
        for _ in 0..<200 {
            let left = (0..<Int.random(in: 0...4, using: &rng)).map { _ in rng.next() }
            let right = (0..<Int.random(in: 0...4, using: &rng)).map { _ in rng.next() }
            var a = MessageHashes(), b = MessageHashes(), whole = MessageHashes()
            for h in left { a.append(h); whole.append(h) }
            for h in right { b.append(h); whole.append(h) }
            a += b
            #expect(Array(a) == left + right)
            #expect(a == whole && a.count == left.count + right.count && a.isEmpty == (left + right).isEmpty)
            #expect(PromptDigest.combine(a) == PromptDigest.combine(left + right))
        }
    }

    @Test func normalisationMasksVolatileTokensAndSketchesNearDuplicates() {
        func fingerprint(_ text: String) -> ContentFingerprint? {
            var digest = PromptDigest()
            digest.add(.input, text: text)
            return digest.fingerprint
        }
        let a = fingerprint("Summarise ticket 4821, created 2024-07-18 by req 9f8e7d6c5b4a")
        let b = fingerprint("summarise   TICKET #4822 — created 2025-01-02 by req 0a1b2c3d4e5f!")
        #expect(a?.prompt == b?.prompt)
        let base = "please explain what the function parse config does in the file loader swift and list its callers"
        let paraphrase = "please explain what the function parse config does in the file loader swift and list all callers"
        let unrelated = "write a limerick about a cat who learns to play the trombone in a jazz band on tuesdays"
        func distance(_ x: String, _ y: String) -> Int {
            ((fingerprint(x)?.promptSketch ?? 0) ^ (fingerprint(y)?.promptSketch ?? 0)).nonzeroBitCount
        }
        #expect(fingerprint(base)?.prompt != fingerprint(paraphrase)?.prompt)
        #expect(distance(base, paraphrase) < distance(base, unrelated))
        #expect(distance(base, paraphrase) <= 12)
        #expect(distance(base, unrelated) >= 20)
    }
}
