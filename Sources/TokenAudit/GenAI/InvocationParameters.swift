import OTLPWire

/// The members of OpenInference's `llm.invocation_parameters` JSON that
/// extraction uses, read in place (the last of a repeated name wins);
/// strings and numbers only, as written.
struct InvocationParameters {
    var model: String?
    var maxCompletionTokens: String?
    var maxTokens: String?

    init() {}

    init(_ json: String?) {
        guard var json else { return }
        json.withUTF8 { utf8 in
            guard let object = JSONValueView.parse(UnsafeRawBufferPointer(utf8), maxDepth: 16), object.kind == .object else { return }
            object.forEachMember { key, value in
                func named(_ name: StaticString) -> Bool { key.withString { WireString($0).equals(name) } ?? false }
                var text: String? { value.kind == .number ? value.number : value.string }
                if named("model") {
                    model = text
                } else if named("max_completion_tokens") {
                    maxCompletionTokens = text
                } else if named("max_tokens") {
                    maxTokens = text
                }
            }
        }
    }
}
