import OTLPWire
import TestSupport
import Testing
@testable import TokenAudit

/// Messages arrive as JSON text (read in place) or as structured attribute
/// values (a tree); both must digest alike, whatever the shape.
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

    @Test func jsonTextDigestsAsItsParsedTreeDoes() throws {
        var shapes = Shapes(rng: SeededRandom(seed: 0x3E55))
        var withPrompt = 0, withSystem = 0
        for _ in 0..<2000 {
            let text = shapes.document()
            let role: PromptDigest.Role = Bool.random(using: &shapes.rng) ? .input : .output
            var inPlace = PromptDigest()
            MessageContent.feed(text: text, as: role, into: &inPlace)
            let tree = try Array(text.utf8).withUnsafeBytes { try JSONParser.parse($0) }
            var fromTree = PromptDigest()
            MessageContent.feed(.structured(tree.value), as: role, into: &fromTree)
            #expect(inPlace == fromTree, "\(text)")
            if inPlace.hasPrompt { withPrompt += 1 }
            if inPlace.systemPrompt != nil { withSystem += 1 }
        }
        #expect(withPrompt > 500 && withSystem > 200)
    }

    @Test func textThatIsNotJSONIsDigestedAsText() {
        for text in ["[draft] notes on the release", "{not json", " [1, 2", "plain words"] {
            var fed = PromptDigest(), plain = PromptDigest()
            MessageContent.feed(text: text, as: .input, into: &fed)
            plain.add(.input, text: text)
            #expect(fed == plain && fed.hasPrompt, "\(text)")
        }
    }
}
