import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// Messages arrive as JSON text or as structured OTLP values (attributes,
/// log bodies), both read in place; both must digest alike, whatever the shape.
@Suite struct MessageContentTests {
    /// Random message shapes from the dialect table: message arrays, parts,
    /// choices, request bodies, Vercel's `{system, prompt}`; with repeated
    /// keys (the last wins), escaped keys, unknown members and wrong types.
    struct Shapes {
        var rng: SeededRandom

        mutating func pick(_ options: [String]) -> String { options[Int.random(in: 0..<options.count, using: &rng)] }

        mutating func text() -> String {
            "\"" + pick(["Summarise ticket 4821", "you are terse", "Explain the retry policy\\nin two sentences", "ok",
                         "caf\\u00e9 menu", "REDACTED", "名前を教えて", "see https://example.com/a?b=1", ""]) + "\""
        }

        mutating func key(_ name: String) -> String {
            // An escaped spelling of the same key must be read as that key.
            Int.random(in: 0..<8, using: &rng) == 0 && name.count > 2
                ? "\"" + name.prefix(2) + "\\u00" + String(name.utf8[name.utf8.index(name.utf8.startIndex, offsetBy: 2)], radix: 16) + name.dropFirst(3) + "\""
                : "\"" + name + "\""
        }

        mutating func part() -> String {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: return text()
            case 1: return "{\(key("type")): \"text\", \(key("text")): \(text())}"
            case 2: return "{\(key("type")): \"text\", \(key("content")): \(text()), \(key("text")): \(text())}"
            default: return "{\(key("type")): \"image\", \"url\": \(text())}"
            }
        }

        mutating func message(depth: Int) -> String {
            var members: [String] = []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                switch Int.random(in: 0..<(depth > 2 ? 7 : 9), using: &rng) {
                case 0: members.append("\(key("role")): \"\(pick(["user", "system", "assistant", "Developer", "tool"]))\"")
                case 1: members.append("\(key("content")): \(text())")
                case 2: members.append("\(key("content")): [\((0..<Int.random(in: 0...3, using: &rng)).map { _ in part() }.joined(separator: ","))]")
                case 3: members.append("\(key("parts")): [\((0..<Int.random(in: 0...3, using: &rng)).map { _ in part() }.joined(separator: ","))]")
                case 4: members.append("\(key("system")): \(text())")
                case 5: members.append("\(key("prompt")): \(pick([text(), "12", "null"]))")
                case 6: members.append("\(key(pick(["text", "name", "id"]))): \(pick([text(), "true", "[1, 2]"]))")
                case 7: members.append("\(key("message")): \(message(depth: depth + 1))")
                default: members.append("\(key("messages")): \(document(depth: depth + 1))")
                }
            }
            return "{" + members.joined(separator: ", ") + "}"
        }

        mutating func document(depth: Int = 0) -> String {
            Int.random(in: 0..<3, using: &rng) == 0
                ? message(depth: depth)
                : "[" + (0..<Int.random(in: 0...4, using: &rng)).map { _ in message(depth: depth) }.joined(separator: ", ") + "]"
        }
    }

    /// The same message as OTLP `AnyValue`: objects become key-value lists
    /// (keys unescaped), arrays arrays, strings strings, numbers and literals scalars.
    static func anyValue(_ json: JSONValue) -> AnyModel {
        switch json {
        case .null: .empty
        case .bool(let b): .bool(b)
        case .number(let n): Int64(n).map(AnyModel.int) ?? .double(Double(n) ?? 0)
        case .string(let s): .string(s)
        case .array(let items): .array(items.map { anyValue($0.value) })
        case .object(let members): .kvlist(members.map { KeyValueModel(key: $0.key, value: anyValue($0.node.value)) })
        }
    }

    static func digest(structured model: AnyModel, as role: PromptDigest.Role) -> PromptDigest {
        var writer = ProtoWriter(reservingCapacity: 256)
        model.encode(&writer)
        var digest = PromptDigest()
        writer.bytes.withUnsafeBytes { raw in
            let view = AnyValueView(bytes: raw, frame: LengthFrame(prefixStart: 0, payload: 0..<raw.count), context: ())
            MessageContent.feed(view, as: role, into: &digest)
        }
        return digest
    }

    static func digest(text: String, as role: PromptDigest.Role) -> PromptDigest {
        var digest = PromptDigest()
        Array(text.utf8).withUnsafeBytes { MessageContent.feed(text: $0, as: role, into: &digest) }
        return digest
    }

    @Test func jsonTextDigestsAsTheSameStructureSentAsAnOTLPValue() throws {
        var shapes = Shapes(rng: SeededRandom(seed: 0x3E55))
        var withPrompt = 0, withSystem = 0
        for _ in 0..<2000 {
            let text = shapes.document()
            let role: PromptDigest.Role = Bool.random(using: &shapes.rng) ? .input : .output
            let fromText = Self.digest(text: text, as: role)
            let tree = try Array(text.utf8).withUnsafeBytes { try JSONParser.parse($0) }
            let fromValue = Self.digest(structured: Self.anyValue(tree.value), as: role)
            #expect(fromText == fromValue, "\(text)")
            if fromText.hasPrompt { withPrompt += 1 }
            if fromText.systemPrompt != nil { withSystem += 1 }
        }
        #expect(withPrompt > 500 && withSystem > 200)
    }

    @Test func textThatIsNotJSONIsDigestedAsText() {
        for text in ["[draft] notes on the release", "{not json", " [1, 2", "plain words", "Straße\r\nnächste Zeile"] {
            var plain = PromptDigest()
            plain.add(.input, text: text)
            #expect(Self.digest(text: text, as: .input) == plain && plain.hasPrompt, "\(text)")
        }
    }

    /// Character counts are `String.count`'s, read from bytes for ASCII text.
    @Test func charactersAreCountedAsStringCountsThem() {
        var rng = SeededRandom(seed: 0xC0)
        let pieces = ["a", " ", "\r", "\n", "\r\n", "\t", "é", "e\u{301}", "👍🏽", "名", "\n\r"]
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...30, using: &rng)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }.joined()
            let ascii = text.utf8.allSatisfy { $0 < 0x80 }
            let counted = Array(text.utf8).withUnsafeBytes { PromptDigest.characterCount($0, isASCII: ascii) }
            #expect(counted == text.count, "\(text.debugDescription)")
        }
    }

    /// Roles are compared in place; the definition is `lowercased()` being
    /// `system` or `developer`.
    @Test func rolesAreCaseFoldedAsLowercasedFoldsThem() {
        for name in ["system", "SYSTEM", "System", "developer", "DeveloPer", "user", "assistant", "systems", "sys", "", "ſystem",
                     "ＳＹＳＴＥＭ", "deve\u{212A}loper", "sYsTeM", "tool", "developer "] {
            let expected: PromptDigest.Role = ["system", "developer"].contains(name.lowercased()) ? .system : .input
            #expect(MessageContent.role(name, context: .input) == expected, "\(name)")
            #expect(MessageContent.role(name, context: .output) == .output)
        }
    }

    /// Provider and operation names skip `lowercased()` when nothing needs
    /// lowering; the result must always be what `lowercased()` gives.
    @Test func namesAreLoweredOnlyWhenNeededButAlwaysLikeLowercased() {
        let names = ["openai", "OpenAI", "chat", "Chat", "CHAT", "gcp.vertex_ai", "aws.bedrock", "", "@", "[", "`", "{",
                     "ÄNTHROPIC", "änthropic", "ＯＰＥＮＡＩ", "azure.ai.openai", "x-ai", "chat_completion", "İ", "ﬃ", "Zhipu", "z", "Z"]
        for name in names {
            #expect(name.lowercasedWhenNeeded == name.lowercased(), "\(name)")
        }
        #expect(LLMOperation(name: "Chat_Completion") == .chat)
    }

    @Test func memberNamesAreRecognisedExactly() {
        let expected: [String: MessageKey] = ["messages": .messages, "message": .message, "system": .system, "prompt": .prompt,
                                              "role": .role, "content": .content, "parts": .parts, "text": .text]
        let nearMisses = ["messagez", "massages", "mesage", "systen", "prompts", "rolE", "Role", "contend", "parte", "texT", "tex", "",
                          "c", "contents", "p\u{0}rts", "roleX", "sys tem"]
        for (name, key) in expected {
            #expect(Array(name.utf8).withUnsafeBytes { MessageKey(utf8: $0) } == key, "\(name)")
        }
        for name in nearMisses {
            #expect(Array(name.utf8).withUnsafeBytes { MessageKey(utf8: $0) } == nil, "\(name)")
        }
        #expect(expected.count == MessageKey.allCases.count)
    }

    /// What instrumentations send for hidden content is no prompt; text
    /// that merely contains or resembles it is.
    @Test func redactionPlaceholdersAreNoPrompt() {
        for text in ["__REDACTED__", "<redacted>", "[REDACTED]"] {
            #expect(!Self.digest(text: text, as: .input).hasPrompt, "\(text)")
            #expect(Self.digest(text: #"[{"role": "user", "content": "\#(text)"}]"#, as: .input).isEmpty, "\(text) in JSON")
        }
        for text in ["__REDACTED", "<REDACTED>", "[REDACTED] see above", "redacted"] {
            #expect(Self.digest(text: text, as: .input).hasPrompt, "\(text)")
        }
    }
}
