import NIOCore
import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// Redaction on the real captures of every dialect we have fixtures for:
/// no prompt or completion text survives, every other attribute does, and
/// libprotobuf-c reads the result.
@Suite struct ContentRedactionTests {
    /// Keys (per span or log record, in order) and the content strings of a request.
    struct Inventory {
        var keys: [[String]] = []
        var content: [String] = []
    }

    static func inventory(_ bytes: [UInt8], traces: Bool) -> Inventory {
        var inventory = Inventory()
        bytes.withUnsafeBytes { raw in
            func collect(_ value: AnyValueView?) {
                switch value?.value {
                case .string(let s)? where s.count >= 8: inventory.content.append(s.string)
                case .array(let items)?: for item in items { collect(item) }
                case .keyValueList(let pairs)?: for pair in pairs { collect(pair.value) }
                default: break
                }
            }
            func record(_ attributes: RepeatedMessages<KeyValueView>) {
                var keys: [String] = []
                for pair in attributes {
                    keys.append(pair.key.string)
                    if ContentRedactor.isContentKey(pair.key) { collect(pair.value) }
                }
                inventory.keys.append(keys)
            }
            if traces {
                ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in
                    record(span.attributes)
                    for event in span.events where event.name.hasPrefix("gen_ai.content.") {
                        for pair in event.attributes { collect(pair.value) }
                    }
                }
            } else {
                ExportLogsRequestView(bytes: raw).forEachLogRecord { _, _, log in
                    record(log.attributes)
                    if log.eventName.hasPrefix("gen_ai.") { collect(log.body) }
                }
            }
        }
        return inventory
    }

    static func process(_ capture: Fixtures.Capture, redact: Bool) async throws -> [UInt8] {
        var config = TokenAuditProcessorConfig()
        config.redactContent = redact
        let processor = try TokenAuditProcessor(id: ComponentID("tokenaudit"), config: config)
        let batch = TelemetryBatch(signal: capture.isTraces ? .traces : .logs, request: ByteBuffer(bytes: capture.protobuf), itemCount: 0)
        return Array(await processor.process(batch).request.readableBytesView)
    }

    @Test func contentKeysAreKnownByNameAndFamilyAndNearMissesAreNot() {
        let content = [
            "ai.prompt", "input.value", "output.value", "gen_ai.prompt", "ai.response.text", "ai.toolCall.args",
            "gen_ai.completion", "ai.prompt.messages", "ai.response.object", "ai.toolCall.result", "gen_ai.input.messages",
            "ai.response.toolCalls", "gen_ai.output.messages", "traceloop.entity.input", "traceloop.entity.output",
            "gen_ai.tool.call.result", "gen_ai.system_instructions", "gen_ai.tool.call.arguments",
            "gen_ai.prompt.0.content", "gen_ai.completion.12.content", "gen_ai.completion.0.tool_calls.0.arguments",
            "llm.prompts.0", "llm.prompts.0.content", "llm.input_messages.0.message.content",
            "llm.output_messages.1.message.contents.0.message_content.text", "llm.input_messages.0.message.tool_calls.0.tool_call.function.arguments",
        ]
        let other = [
            "", "ai", "ai.promp", "ai.prompts", "input.values", "gen_ai.prompts", "gen_ai.prompt.0.role", "gen_ai.completion.0.finish_reason",
            "gen_ai.usage.input_tokens", "gen_ai.request.model", "llm.prompts", "llm.input_messages.0.message.role",
            "llm.output_messages.0.message.name", "traceloop.entity.name", "gen_ai.tool.call.id", "gen_ai.system", "llm.model_name",
            "ai.response.finishReason", "output.mime_type",
        ]
        for key in content { #expect(isContentKey(key), "\(key)") }
        for key in other { #expect(!isContentKey(key), "\(key)") }
    }

    @Test func everyDialectsContentIsLeftOutAndNothingElse() async throws {
        var redactedSomething = 0
        for capture in try Fixtures.all() {
            let output = try await Self.process(capture, redact: true)
            #expect((capture.isTraces ? Reference.traces(output) : Reference.logs(output)) != nil, "\(capture.name): libprotobuf-c reads it")
            let before = Self.inventory(capture.protobuf, traces: capture.isTraces)
            let after = Self.inventory(output, traces: capture.isTraces)
            let kept = before.keys.map { keys in keys.filter { !isContentKey($0) } }
            #expect(after.keys.map { $0.filter { !$0.hasPrefix("tokenaudit.") } } == kept, "\(capture.name)")
            #expect(after.content.isEmpty, "\(capture.name)")
            let text = String(decoding: output, as: UTF8.self)
            for content in before.content {
                #expect(!text.contains(content), "\(capture.name) still carries \(content.prefix(40))")
            }
            if !before.content.isEmpty {
                redactedSomething += 1
                #expect(text.contains("tokenaudit.content_redacted"))
            }
        }
        #expect(redactedSomething >= 10, "the fixtures carry content in every dialect")
    }

    @Test func optingOutForwardsContentAndFingerprintsAreTheSameEitherWay() async throws {
        let capture = try #require(try Fixtures.all().first { $0.name.contains("openinference") && $0.isTraces })
        let kept = try await Self.process(capture, redact: false)
        let before = Self.inventory(capture.protobuf, traces: true)
        let text = String(decoding: kept, as: UTF8.self)
        #expect(before.content.contains { text.contains($0) })
        #expect(!text.contains("tokenaudit.content_redacted"))
    }
}

/// `ContentRedactor.isContentKey` for a Swift string (the view lives only inside the call).
func isContentKey(_ key: String) -> Bool {
    Array(key.utf8).withUnsafeBytes { raw in ContentRedactor.isContentKey(WireString(bytes: raw, range: 0..<raw.count)) }
}
