import OTLPWire

/// Finds message text inside the shapes dialects use and feeds it, with its
/// role, to a `PromptDigest`: arrays of `{role, content}` messages, content
/// as a string or as parts (`{type, content}` / `{type, text}`), choices
/// (`{message: {...}}`), request bodies (`{messages: [...]}`), Vercel's
/// `{system, prompt}`, JSON text holding any of these, or plain text.
enum MessageContent {
    static let maxDepth = 12

    static func feed(_ value: AttributeScalar, as role: PromptDigest.Role, into digest: inout PromptDigest) {
        switch value {
        case .string(let s): feed(text: s, as: role, into: &digest)
        case .structured(let json): feed(json, as: role, into: &digest, depth: 0)
        default: break
        }
    }

    /// Text that may itself be JSON (many dialects send messages as a JSON string).
    static func feed(text: String, as role: PromptDigest.Role, into digest: inout PromptDigest) {
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" }
        if trimmed.first == "[" || trimmed.first == "{" {
            let bytes = Array(text.utf8)
            if let node = try? bytes.withUnsafeBytes({ raw throws(WireError) in try JSONParser.parse(raw, maxDepth: 64) }) {
                feed(node.value, as: role, into: &digest, depth: 0)
                return
            }
        }
        digest.add(role, text: text)
    }

    static func feed(_ json: JSONValue, as role: PromptDigest.Role, into digest: inout PromptDigest, depth: Int) {
        guard depth < maxDepth else { return }
        switch json {
        case .string(let s):
            digest.add(role, text: s)
        case .array(let items):
            for item in items { feed(item.value, as: role, into: &digest, depth: depth + 1) }
        case .object(let members):
            let object = Dictionary(members.map { ($0.key, $0.node.value) }, uniquingKeysWith: { _, last in last })
            if let messages = object["messages"] {
                if case .string(let system)? = object["system"] { digest.add(.system, text: system) }
                feed(messages, as: role, into: &digest, depth: depth + 1)
                return
            }
            if let message = object["message"], case .object = message {
                feed(message, as: role, into: &digest, depth: depth + 1)
                return
            }
            if case .string(let system)? = object["system"] { digest.add(.system, text: system) }
            if case .string(let prompt)? = object["prompt"] { digest.add(role, text: prompt) }
            let messageRole = object["role"].flatMap { if case .string(let r) = $0 { r } else { nil } }
            let effective = messageRole.map { Self.role($0, context: role) } ?? role
            for key in ["content", "parts", "text"] {
                if let body = object[key] { feedBody(body, as: effective, into: &digest, depth: depth + 1) }
            }
        default:
            break
        }
    }

    /// A message body: a string, or a list of parts whose text is fed.
    static func feedBody(_ body: JSONValue, as role: PromptDigest.Role, into digest: inout PromptDigest, depth: Int) {
        guard depth < maxDepth else { return }
        switch body {
        case .string(let s): digest.add(role, text: s)
        case .array(let parts):
            for part in parts {
                switch part.value {
                case .string(let s): digest.add(role, text: s)
                case .object(let members):
                    for member in members where member.key == "content" || member.key == "text" {
                        if case .string(let s) = member.node.value { digest.add(role, text: s) }
                    }
                default: break
                }
            }
        default: break
        }
    }

    /// A message's role as a digest role; in output context everything is output.
    static func role(_ name: String, context: PromptDigest.Role) -> PromptDigest.Role {
        if context == .output { return .output }
        switch name.lowercased() {
        case "system", "developer": return .system
        default: return .input
        }
    }
}
