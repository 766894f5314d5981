import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// Lookups in a span's attributes: the key signature may only ever skip
/// keys that are absent, and lookups answer exactly as a plain scan would.
@Suite struct GenAIAttributesTests {
    @Test func theSignatureNeverMissesAnInsertedKeyAndRejectsMostOthers() {
        var random = SeededRandom(seed: 7)
        var falseMaybes = 0
        let trials = 2000
        for _ in 0..<trials {
            // 12 keys of 0–40 bytes, as spans carry; then 12 keys never inserted.
            let present = (0..<12).map { _ in (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0x21...0x7E, using: &random) } }
            var signature = KeySignature()
            for key in present { key.withUnsafeBytes { signature.insert(hash: KeyHash.of($0)) } }
            for key in present { #expect(key.withUnsafeBytes { signature.mayContain($0) }) }
            for _ in 0..<12 {
                let absent = (0..<Int.random(in: 1...40, using: &random)).map { _ in UInt8.random(in: 0x21...0x7E, using: &random) }
                guard !present.contains(absent) else { continue }
                if absent.withUnsafeBytes({ signature.mayContain($0) }) { falseMaybes += 1 }
            }
        }
        // 12 of 128 bits set: about 9% of absent keys cost a scan.
        let rate = Double(falseMaybes) / Double(trials * 12)
        #expect(rate < 0.15, "false maybe rate \(rate)")
    }

    @Test func lookupsFindEveryKeyTheSpanHasAndOnlyThose() {
        let names = ["gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.request.model",
                     "gen_ai.response.model", "llm.token_count.prompt", "ai.model.id", "a", "", "user.id", "x.y"]
        var writer = ProtoWriter()
        for (index, name) in names.enumerated() { writer.attribute(1, key: name, value: .int(Int64(index))) }
        writer.attribute(1, key: "gen_ai.request.model", value: .int(99))  // a repeat: the first one wins
        let resource = writer.bytes
        resource.withUnsafeBytes { raw in
            let view = ResourceView(bytes: raw, frame: LengthFrame(prefixStart: 0, payload: 0..<raw.count), context: ())
            let attributes = GenAIAttributes(view.attributes)
            for (index, name) in names.enumerated() { #expect(attributes[named: name] == .int(Int64(index)), "\(name)") }
            for absent in ["gen_ai.usage.total_tokens", "gen_ai.request.mode", "b", "user.idx", "llm.token_count.promp"] {
                #expect(attributes[named: absent] == nil, "\(absent)")
            }
            #expect(attributes.hasKey("ai.model.id"))
            #expect(!attributes.hasKey("ai.model.provider"))
        }
    }

    /// Every name extraction asks for is found under its own case, and
    /// names that differ by a byte are found under none.
    @Test func theKeyTableFindsEveryNameAndNothingNearIt() {
        func lookup(_ name: String) -> GenAIKey? {
            let bytes = Array(name.utf8)
            return bytes.withUnsafeBytes { raw in
                GenAIKey.of(WireString(bytes: raw, range: 0..<raw.count), hash: KeyHash.of(raw))
            }
        }
        for key in GenAIKey.allCases {
            let name = key.name.description
            #expect(lookup(name) == key, "\(name)")
            for near in [name + "x", String(name.dropLast()), "x" + name, name.uppercased(), name.replacingOccurrences(of: ".", with: "_")]
            where near != name {
                #expect(lookup(near) == nil, "\(near)")
            }
        }
        #expect(lookup("") == nil)
    }

    /// A long name seen again is the `String` made the first time (shared
    /// storage, no allocation); every answer is the name asked for, past
    /// the capacity and for short names too.
    @Test func recentNamesReuseLongNamesAndAlwaysAnswerTheNameAsked() {
        let models = ["gpt-4o-mini-2024-07-18", "claude-3-5-sonnet-20241022", "gpt-4o", "gemini-1.5-pro-002",
                      "mistral-large-2411-preview", "llama-3.1-405b-instruct", "o1-mini-2024-09-12", "", "exactly-15-bytes",
                      "gpt-4o-mini-2024-07-19", "claude-3-5-sonnet-20241023"]  // near misses: same length, one byte apart
        let wires = models.map { Array($0.utf8) }
        var names = RecentNames()
        func name(_ index: Int) -> String {
            wires[index].withUnsafeBytes { names.string(for: WireString(bytes: $0, range: 0..<$0.count)) }
        }
        func storage(_ string: String) -> UnsafeRawPointer? {
            var string = string
            return string.withUTF8 { UnsafeRawPointer($0.baseAddress) }
        }
        var random = SeededRandom(seed: 11)
        for _ in 0..<500 {
            let index = Int.random(in: 0..<models.count, using: &random)
            #expect(name(index) == models[index])
        }
        let first = name(0), again = name(0)
        #expect(first == models[0] && storage(first) == storage(again))
        let other = name(1)
        #expect(storage(other) != storage(first))
    }

    /// A known key's families come from the key table, any other key's from
    /// prefix comparisons: both must file a key the same way, content
    /// (which redaction removes) included.
    @Test func knownAndUnknownKeysAreFiledUnderTheSameFamilies() {
        let others = ["gen_ai.prompt.0.content", "gen_ai.completion.3.content", "llm.input_messages.1.message.content",
                      "llm.output_messages.0.message.role", "gen_ai.usage.future_tokens", "traceloop.workflow.name",
                      "langsmith.span.kind", "openinference.x", "ai.something", "llm.prompts.0", "user.id", ""]
        for name in GenAIKey.allCases.map(\.name.description) + others {
            var writer = ProtoWriter()
            writer.attribute(1, key: name, value: .string("v"))
            let bytes = writer.bytes
            bytes.withUnsafeBytes { raw in
                let view = ResourceView(bytes: raw, frame: LengthFrame(prefixStart: 0, payload: 0..<raw.count), context: ())
                let attributes = GenAIAttributes(view.attributes)
                let utf8 = Array(name.utf8)
                utf8.withUnsafeBytes { key in
                    let wire = WireString(bytes: key, range: 0..<key.count)
                    let content = ContentRedactor.isContentKey(wire)
                    #expect(attributes.families == KeyFamilies.of(wire).union(content ? .content : []), "\(name)")
                    #expect(attributes.contentFields.count == (content ? 1 : 0), "\(name)")
                }
            }
        }
    }

    /// Lookups by case answer exactly as lookups by name, whatever the span
    /// holds: repeats (the first wins), pairs without a value, other keys.
    @Test func lookupsByKeyAnswerAsLookupsByName() {
        var random = SeededRandom(seed: 11)
        var attributes = GenAIAttributes()
        var found = 0
        for _ in 0..<300 {
            var span = SpanModel()
            for _ in 0..<Int.random(in: 0...20, using: &random) {
                let key = Bool.random(using: &random)
                    ? GenAIKey.allCases.randomElement(using: &random)!.name.description
                    : ["user.id", "gen_ai.usage", "padding", "gen_ai.request.model.x"].randomElement(using: &random)!
                let value: AnyModel? = Int.random(in: 0..<10, using: &random) == 0 ? nil : .int(Int64.random(in: 0...9, using: &random))
                span.attributes.append(KeyValueModel(key: key, value: value))
            }
            let bytes = Self.encode(span)
            bytes.withUnsafeBytes { raw in
                attributes.read(Self.span(raw), in: raw)
                for key in GenAIKey.allCases {
                    let byName = attributes[named: key.name.description]
                    #expect(attributes[key] == byName, "\(key.name)")
                    #expect(attributes.hasKey(key) == attributes.hasKey(key.name))
                    if byName != nil { found += 1 }
                }
            }
        }
        #expect(found > 1000)
    }

    /// The first-byte dispatch must agree with plain prefix checks on every key.
    @Test func keyFamiliesAgreeWithPlainPrefixChecks() {
        let families: [(String, KeyFamilies)] = [
            ("gen_ai.", .genAI), ("gen_ai.prompt.", .genAIPrompt), ("gen_ai.completion.", .genAICompletion),
            ("gen_ai.usage.", .genAIUsage), ("llm.", .llm), ("llm.token_count.", .llmTokenCount),
            ("llm.input_messages.", .llmInputMessages), ("llm.output_messages.", .llmOutputMessages),
            ("llm.usage.", .llmUsage), ("ai.", .vercelAI), ("openinference.", .openInference),
            ("traceloop.", .traceloop), ("langsmith.", .langSmith),
        ]
        let keys = ["gen_ai.usage.input_tokens", "gen_ai.prompt.0.content", "gen_ai.completion.1.role", "gen_ai.system",
                    "gen_ai.", "gen_ai", "gen_aiX.usage", "llm.token_count.prompt", "llm.input_messages.0.message.content",
                    "llm.output_messages.2.message.role", "llm.usage.total_tokens", "llm.model_name", "llm", "langsmith.metadata.user_id",
                    "ai.model.id", "ai", "aix.model", "openinference.span.kind", "traceloop.entity.input", "user.id", "", "t", "l",
                    "input.value", "gen_ai.usage.", "llm.token_count."]
        for key in keys {
            var expected: KeyFamilies = []
            for (prefix, family) in families where key.hasPrefix(prefix) { expected.insert(family) }
            let bytes = Array(key.utf8)
            let found = bytes.withUnsafeBytes { KeyFamilies.of(WireString(bytes: $0, range: 0..<$0.count)) }
            #expect(found == expected, "\(key)")
        }
    }

    /// `read` reuses its storage: what one span had must not leak into the next.
    @Test func readingASpanReplacesEverythingTheLastOneLeft() {
        var first = SpanModel()
        first.attributes = [
            KeyValueModel(key: "gen_ai.prompt.0.content", value: .string("hello")),
            KeyValueModel(key: "gen_ai.usage.input_tokens", value: .int(12)),
            KeyValueModel(key: "traceloop.entity.input", value: .string("{}")),
        ]
        first.events = [EventModel(name: "gen_ai.content.prompt", attributes: [KeyValueModel(key: "gen_ai.prompt", value: .string("x"))])]
        var second = SpanModel()
        second.attributes = [
            KeyValueModel(key: "llm.token_count.prompt", value: .int(7)),
            KeyValueModel(key: "user.id", value: .string("ana")),
        ]
        second.events = [EventModel(name: "exception")]

        var attributes = GenAIAttributes()
        let firstBytes = Self.encode(first)
        firstBytes.withUnsafeBytes { raw in
            attributes.read(Self.span(raw), in: raw)
            #expect(attributes.has(.genAIPrompt) && attributes.has(.traceloop) && attributes.has(.genAIUsage))
            #expect(attributes.carriesContent)
            // Two content attributes and the content event, in field order.
            #expect(attributes.contentFields.count == 3)
            #expect(attributes[named: "gen_ai.usage.input_tokens"] == .int(12))
        }
        let secondBytes = Self.encode(second)
        secondBytes.withUnsafeBytes { raw in
            attributes.read(Self.span(raw), in: raw)
            #expect(attributes.families == [.llm, .llmTokenCount])
            #expect(!attributes.carriesContent)
            #expect(attributes.contentFields.isEmpty)
            #expect(attributes[named: "gen_ai.usage.input_tokens"] == nil)
            #expect(attributes[named: "llm.token_count.prompt"] == .int(7))
            #expect(attributes[named: "user.id"] == .string("ana"))
        }
    }

    private static func encode(_ span: SpanModel) -> [UInt8] {
        var writer = ProtoWriter()
        span.encode(&writer, unknown: UnknownFields(enabled: false))
        return writer.bytes
    }

    private static func span(_ raw: UnsafeRawBufferPointer) -> SpanView {
        let frame = LengthFrame(prefixStart: 0, payload: 0..<raw.count)
        return SpanView(bytes: raw, frame: frame, context: ParentFrames(resource: frame, scope: frame))
    }
}
