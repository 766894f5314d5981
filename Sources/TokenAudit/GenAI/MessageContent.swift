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

    /// Text that may itself be JSON (many dialects send messages as a JSON
    /// string). The JSON is read in place: only the message texts become strings.
    static func feed(text: String, as role: PromptDigest.Role, into digest: inout PromptDigest) {
        let trimmed = text.utf8.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 }
        if trimmed.first == UInt8(ascii: "[") || trimmed.first == UInt8(ascii: "{") {
            var text = text  // native strings are contiguous: `withUTF8` does not copy them
            let isJSON = text.withUTF8 { utf8 in
                guard let json = JSONValueView.parse(UnsafeRawBufferPointer(utf8), maxDepth: 64) else { return false }
                feed(json, as: role, into: &digest, depth: 0)
                return true
            }
            if isJSON { return }
        }
        digest.add(role, text: text)
    }

    static func feed<JSON: MessageJSON>(_ json: JSON, as role: PromptDigest.Role, into digest: inout PromptDigest, depth: Int) {
        guard depth < maxDepth else { return }
        switch json.shape {
        case .string:
            if let s = json.text { digest.add(role, text: s) }
        case .array:
            json.forEachElement { feed($0, as: role, into: &digest, depth: depth + 1) }
        case .object:
            let object = MessageFields(json)
            if let messages = object.messages {
                if let system = object.system?.text { digest.add(.system, text: system) }
                feed(messages, as: role, into: &digest, depth: depth + 1)
                return
            }
            if let message = object.message, message.shape == .object {
                feed(message, as: role, into: &digest, depth: depth + 1)
                return
            }
            if let system = object.system?.text { digest.add(.system, text: system) }
            if let prompt = object.prompt?.text { digest.add(role, text: prompt) }
            let effective = object.role?.text.map { Self.role($0, context: role) } ?? role
            if let body = object.content { feedBody(body, as: effective, into: &digest, depth: depth + 1) }
            if let body = object.parts { feedBody(body, as: effective, into: &digest, depth: depth + 1) }
            if let body = object.text { feedBody(body, as: effective, into: &digest, depth: depth + 1) }
        case .other:
            break
        }
    }

    /// A message body: a string, or a list of parts whose text is fed.
    static func feedBody<JSON: MessageJSON>(_ body: JSON, as role: PromptDigest.Role, into digest: inout PromptDigest, depth: Int) {
        guard depth < maxDepth else { return }
        switch body.shape {
        case .string:
            if let s = body.text { digest.add(role, text: s) }
        case .array:
            body.forEachElement { part in
                switch part.shape {
                case .string:
                    if let s = part.text { digest.add(role, text: s) }
                case .object:
                    part.forEachMember { key, value in
                        if key == .content || key == .text, let s = value.text { digest.add(role, text: s) }
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

/// The members of a message object that `MessageContent` reads; the last of
/// a repeated key wins, as in a dictionary.
private struct MessageFields<JSON: MessageJSON> {
    var messages, message, system, prompt, role, content, parts, text: JSON?

    init(_ object: JSON) {
        object.forEachMember { key, value in
            switch key {
            case .messages: messages = value
            case .message: message = value
            case .system: system = value
            case .prompt: prompt = value
            case .role: role = value
            case .content: content = value
            case .parts: parts = value
            case .text: text = value
            case nil: break
            }
        }
    }
}
