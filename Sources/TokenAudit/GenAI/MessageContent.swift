import OTLPWire

/// Finds message text inside the shapes dialects use and feeds it, with its
/// role, to a `PromptDigest`: arrays of `{role, content}` messages, content
/// as a string or as parts (`{type, content}` / `{type, text}`), choices
/// (`{message: {...}}`), request bodies (`{messages: [...]}`), Vercel's
/// `{system, prompt}`, JSON text holding any of these, or plain text.
enum MessageContent {
    static let maxDepth = 12

    /// An attribute or log body: text (perhaps JSON), or a structured value.
    static func feed(_ value: AnyValueView, as role: PromptDigest.Role, into digest: inout PromptDigest) {
        switch value.value {
        case .string(let s): feed(text: s.rawBytes, as: role, into: &digest)
        case .array, .keyValueList: feed(value, as: role, into: &digest, depth: 0)
        case .empty, .bool, .int, .double, .bytes: break
        }
    }

    /// Text that may itself be JSON (many dialects send messages as a JSON
    /// string). The JSON is read in place: only message texts are hashed.
    static func feed(text: UnsafeRawBufferPointer, as role: PromptDigest.Role, into digest: inout PromptDigest) {
        let first = text.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 }
        if first == UInt8(ascii: "[") || first == UInt8(ascii: "{"), let json = JSONValueView.parse(text, maxDepth: 64) {
            feed(json, as: role, into: &digest, depth: 0)
            return
        }
        digest.add(role, utf8: text)
    }

    static func feed<JSON: MessageJSON>(_ json: JSON, as role: PromptDigest.Role, into digest: inout PromptDigest, depth: Int) {
        guard depth < maxDepth else { return }
        switch json.shape {
        case .string:
            json.withText { digest.add(role, utf8: $0) }
        case .array:
            json.forEachElement { feed($0, as: role, into: &digest, depth: depth + 1) }
        case .object:
            let object = MessageFields(json)
            if let messages = object.messages {
                object.system?.withText { digest.add(.system, utf8: $0) }
                feed(messages, as: role, into: &digest, depth: depth + 1)
                return
            }
            if let message = object.message, message.shape == .object {
                feed(message, as: role, into: &digest, depth: depth + 1)
                return
            }
            object.system?.withText { digest.add(.system, utf8: $0) }
            object.prompt?.withText { digest.add(role, utf8: $0) }
            let effective = object.role?.withText { Self.role(utf8: $0, context: role) } ?? role
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
            body.withText { digest.add(role, utf8: $0) }
        case .array:
            body.forEachElement { part in
                switch part.shape {
                case .string:
                    part.withText { digest.add(role, utf8: $0) }
                case .object:
                    part.forEachKnownMember { key, value in
                        if key == .content || key == .text { value.withText { digest.add(role, utf8: $0) } }
                    }
                default: break
                }
            }
        default: break
        }
    }

    /// A message's role as a digest role; in output context everything is output.
    static func role(_ name: String, context: PromptDigest.Role) -> PromptDigest.Role {
        var name = name
        return name.withUTF8 { role(utf8: UnsafeRawBufferPointer($0), context: context) }
    }

    /// `system` and `developer` in any case (as `lowercased()` compares them:
    /// no non-ASCII letter folds into either word) are system turns.
    static func role(utf8 name: UnsafeRawBufferPointer, context: PromptDigest.Role) -> PromptDigest.Role {
        if context == .output { return .output }
        func named(_ word: StaticString) -> Bool {
            name.count == word.utf8CodeUnitCount && zip(name, UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)).allSatisfy { a, b in
                a == b || (a >= 0x41 && a <= 0x5A && a | 0x20 == b)
            }
        }
        return named("system") || named("developer") ? .system : .input
    }
}

/// The members of a message object that `MessageContent` reads; the last of
/// a repeated key wins, as in a dictionary.
private struct MessageFields<JSON: MessageJSON> {
    var messages, message, system, prompt, role, content, parts, text: JSON?

    init(_ object: JSON) {
        object.forEachKnownMember { key, value in
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
