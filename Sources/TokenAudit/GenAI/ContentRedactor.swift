import OTLPWire

/// Finds the prompt and completion content every dialect of DESIGN.md §4
/// puts on spans and log records, so that it can be left out of what is
/// forwarded (after fingerprinting: detection has already seen it).
///
/// What counts as content: message attributes (semconv `gen_ai.input.messages`
/// / `output.messages` / `system_instructions`, OpenLLMetry
/// `gen_ai.prompt.{i}.content` / `gen_ai.completion.{i}.content` and
/// `traceloop.entity.input` / `output`, OpenInference
/// `llm.input_messages.*` / `llm.output_messages.*` content and text,
/// `input.value` / `output.value`, Vercel `ai.prompt*` / `ai.response.text` /
/// `ai.response.object`, LangSmith `gen_ai.prompt` / `gen_ai.completion`),
/// semconv ≤ 1.27 span events `gen_ai.content.prompt` / `completion`, and the
/// bodies of semconv GenAI log events. Roles, ids, token counts and every
/// other attribute stay.
enum ContentRedactor {
    /// Allocation-free: keys are compared in place (this runs on every
    /// attribute of every GenAI span when redacting), and only against the
    /// names of the key's own length.
    static func isContentKey(_ key: WireString) -> Bool {
        switch key.count {
        case 9: if key.equals("ai.prompt") { return true }
        case 11: if key.equals("input.value") { return true }
        case 12: if key.equals("output.value") { return true }
        case 13: if key.equals("gen_ai.prompt") { return true }
        case 16: if key.equals("ai.response.text") || key.equals("ai.toolCall.args") { return true }
        case 17: if key.equals("gen_ai.completion") { return true }
        case 18: if key.equals("ai.prompt.messages") || key.equals("ai.response.object") || key.equals("ai.toolCall.result") { return true }
        case 21: if key.equals("gen_ai.input.messages") || key.equals("ai.response.toolCalls") { return true }
        case 22: if key.equals("gen_ai.output.messages") || key.equals("traceloop.entity.input") { return true }
        case 23: if key.equals("traceloop.entity.output") || key.equals("gen_ai.tool.call.result") { return true }
        case 26: if key.equals("gen_ai.system_instructions") || key.equals("gen_ai.tool.call.arguments") { return true }
        default: break
        }
        // The indexed families; the shortest member ("llm.prompts.0") has 13 bytes.
        guard key.count >= 13 else { return false }
        if key.hasPrefix("gen_ai.") {
            guard key.hasPrefix("gen_ai.prompt.") || key.hasPrefix("gen_ai.completion.") else { return false }
            return key.hasSuffix(".content") || key.hasSuffix(".arguments")
        }
        guard key.hasPrefix("llm.") else { return false }
        if key.hasPrefix("llm.prompts.") { return true }
        if key.hasPrefix("llm.input_messages.") || key.hasPrefix("llm.output_messages.") {
            return key.hasSuffix(".content") || key.hasSuffix(".text") || key.hasSuffix(".arguments")
        }
        return false
    }

    // A span's content fields are found by `GenAIAttributes.read`, in the
    // pass that reads its keys for extraction.

    /// Fields of a log record to leave out: the body of a GenAI event (field 5) and content attributes (field 6).
    static func contentFields(of record: LogRecordView, eventName: WireString, in raw: UnsafeRawBufferPointer, into removals: inout [Range<Int>]) {
        let genAIEvent = eventName.hasPrefix("gen_ai.")
        var cursor = ProtoCursor(bytes: raw, range: record.frame.payload)
        while let field = try? cursor.next() {
            guard field.wireType == .lengthDelimited else { continue }
            switch field.number {
            case 5 where genAIEvent:
                removals.append(field.extent)
            case 6:
                if isContentKey(KeyValueView(bytes: raw, frame: field.frame, context: ()).key) { removals.append(field.extent) }
            default:
                break
            }
        }
    }
}
