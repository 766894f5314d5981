import OTLPWire

/// What `MessageContent` reads from a message structure, held either as
/// JSON text (most dialects send messages as a JSON string) or as an OTLP
/// `AnyValue` (structured attributes, log bodies). Both are read in place:
/// no tree is built and text is handed on as the UTF-8 it already is.
protocol MessageJSON {
    var shape: MessageJSONShape { get }
    /// Calls `body` with a string value's UTF-8; nil for other shapes.
    func withText<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R?
    func forEachElement(_ body: (Self) -> Void)
    /// Members in order; `key` is nil for names `MessageContent` never reads.
    func forEachKnownMember(_ body: (_ key: MessageKey?, _ value: Self) -> Void)
}

enum MessageJSONShape: Sendable { case string, array, object, other }

/// The member names message shapes are read by.
enum MessageKey: CaseIterable, Sendable {
    case messages, message, system, prompt, role, content, parts, text

    /// The key with these UTF-8 bytes, compared in place: length and first
    /// byte pick the one candidate (every member name of every message is asked).
    init?(utf8 bytes: UnsafeRawBufferPointer) {
        let key: MessageKey
        switch (bytes.count, bytes.first) {
        case (8, UInt8(ascii: "m")): key = .messages
        case (7, UInt8(ascii: "m")): key = .message
        case (6, UInt8(ascii: "s")): key = .system
        case (6, UInt8(ascii: "p")): key = .prompt
        case (4, UInt8(ascii: "r")): key = .role
        case (7, UInt8(ascii: "c")): key = .content
        case (5, UInt8(ascii: "p")): key = .parts
        case (4, UInt8(ascii: "t")): key = .text
        default: return nil
        }
        guard WireString(bytes).equals(key.spelling) else { return nil }
        self = key
    }

    private var spelling: StaticString {
        switch self {
        case .messages: "messages"
        case .message: "message"
        case .system: "system"
        case .prompt: "prompt"
        case .role: "role"
        case .content: "content"
        case .parts: "parts"
        case .text: "text"
        }
    }
}

extension JSONValueView: MessageJSON {
    var shape: MessageJSONShape {
        switch kind {
        case .string: .string
        case .array: .array
        case .object: .object
        case .number, .bool, .null: .other
        }
    }

    func withText<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R? { withString(body) }

    func forEachKnownMember(_ body: (MessageKey?, JSONValueView) -> Void) {
        forEachMember { key, value in body(key.withString(MessageKey.init(utf8:)) ?? nil, value) }
    }
}

extension AnyValueView: MessageJSON {
    var shape: MessageJSONShape {
        switch value {
        case .string: .string
        case .array: .array
        case .keyValueList: .object
        case .empty, .bool, .int, .double, .bytes: .other
        }
    }

    func withText<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R? {
        if case .string(let s) = value { body(s.rawBytes) } else { nil }
    }

    func forEachElement(_ body: (AnyValueView) -> Void) {
        guard case .array(let items) = value else { return }
        for item in items { body(item) }
    }

    /// A pair without a value on the wire is left out.
    func forEachKnownMember(_ body: (MessageKey?, AnyValueView) -> Void) {
        guard case .keyValueList(let pairs) = value else { return }
        for pair in pairs {
            guard let member = pair.value else { continue }
            body(MessageKey(utf8: pair.key.rawBytes), member)
        }
    }
}
